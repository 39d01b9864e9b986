// Variants as a form: each type checked as it is typed, and written as the JSON the API takes.
import { describe, expect, it } from 'vitest';
import type { FlagType, JsonValue } from '../api-types';
import { draftProblems, fromDrafts, toDrafts, valueProblem } from './variants';

describe('variant drafts', () => {
  it('checks each type as it is typed', () => {
    expect(valueProblem('true', 'boolean')).toBeNull();
    expect(valueProblem('yes', 'boolean')).toMatch(/true or false/);
    expect(valueProblem('12', 'integer')).toBeNull();
    expect(valueProblem('1.5', 'integer')).toMatch(/whole/);
    expect(valueProblem('1.5', 'float')).toBeNull();
    expect(valueProblem('', 'float')).toMatch(/number/);
    expect(valueProblem('{"a": 1}', 'object')).toBeNull();
    expect(valueProblem('[1]', 'object')).toMatch(/JSON object/);
    expect(valueProblem('{"a": ', 'object')).toMatch(/^Not JSON/);
  });

  it('refuses empty and repeated names', () => {
    const { rows } = draftProblems([{ name: 'a', text: 'x' }, { name: 'a', text: 'y' }, { name: '', text: 'z' }], 'string');
    expect(rows).toEqual([null, '“a” is used twice.', 'Name the variant (no spaces).']);
  });

  it('round-trips every type through the form', () => {
    const cases = [
      [{ on: true, off: false }, 'boolean'],
      [{ a: 'A', b: '' }, 'string'],
      [{ low: 1, high: -20 }, 'integer'],
      [{ x: 0.25 }, 'float'],
      [{ small: { limit: 10 }, large: { limit: 1000, tags: ['x'] } }, 'object']
    ] as [Record<string, JsonValue>, FlagType][];
    for (const [variants, type] of cases) expect(fromDrafts(toDrafts(variants, type), type)).toEqual(variants);
  });
});
