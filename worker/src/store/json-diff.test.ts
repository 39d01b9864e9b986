import { describe, expect, it } from 'vitest';
import { jsonDiff } from './json-diff';

describe('jsonDiff', () => {
  it('names the paths that differ, with both sides, and nothing else', () => {
    expect(jsonDiff({ a: 1, b: { c: 'x', d: [1] } }, { a: 1, b: { c: 'y', d: [1, 2] }, e: true })).toEqual([
      { path: '/b/c', before: 'x', after: 'y' },
      { path: '/b/d', before: [1], after: [1, 2] },
      { path: '/e', before: null, after: true },
    ]);
  });

  it('is empty for equal values and escapes keys as JSON pointers', () => {
    expect(jsonDiff({ x: [1, { y: 2 }] }, { x: [1, { y: 2 }] })).toEqual([]);
    expect(jsonDiff({ 'a/b': 1 }, { 'a/b': 2 })).toEqual([{ path: '/a~1b', before: 1, after: 2 }]);
    expect(jsonDiff(null, { a: 1 })).toEqual([{ path: '/', before: null, after: { a: 1 } }]);
  });
});
