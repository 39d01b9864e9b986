// The audit log's diff: what changed, where, from what to what.
import { describe, expect, it } from 'vitest';
import { diffJson, readablePath } from './diff';

describe('diffJson', () => {
  it('finds nothing in equal values', () => {
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it('lists changed, added and removed keys by path', () => {
    expect(diffJson({ state: 'DISABLED', defaultVariant: 'off', x: 1 }, { state: 'ENABLED', defaultVariant: 'off', y: 2 })).toEqual([
      { path: '/state', kind: 'changed', before: 'DISABLED', after: 'ENABLED' },
      { path: '/x', kind: 'removed', before: 1 },
      { path: '/y', kind: 'added', after: 2 }
    ]);
  });

  it('compares arrays of the same length element by element, others whole', () => {
    expect(diffJson({ if: [{ v: 1 }, 'on'] }, { if: [{ v: 2 }, 'on'] })).toEqual([{ path: '/if/0/v', kind: 'changed', before: 1, after: 2 }]);
    expect(diffJson({ tags: ['a'] }, { tags: ['a', 'b'] })).toEqual([{ path: '/tags', kind: 'changed', before: ['a'], after: ['a', 'b'] }]);
  });

  it('lists the fields of a created or deleted object', () => {
    expect(diffJson(null, { key: 'f', type: 'boolean' })).toEqual([
      { path: '/key', kind: 'added', after: 'f' },
      { path: '/type', kind: 'added', after: 'boolean' }
    ]);
    expect(diffJson({ key: 'f' }, null)).toEqual([{ path: '/key', kind: 'removed', before: 'f' }]);
  });

  it('treats null and a value as a change, and escapes keys', () => {
    expect(diffJson({ 'a/b': null }, { 'a/b': {} })).toEqual([{ path: '/a~1b', kind: 'changed', before: null, after: {} }]);
    expect(readablePath('/environments/a~1b/state')).toBe('environments › a/b › state');
  });
});
