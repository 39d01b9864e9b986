// Loose comparisons of context data: JavaScript's answers, made without recursion and once per array.
import { describe, expect, it } from 'vitest';
import { REQUEST_BUDGET } from './budget';
import type { Env } from './rule';
import { looseEquals, primitive, textOf } from './loose';

const env = (): Env => ({ ctx: {}, flag: { key: 'f' }, now: 0, split: undefined, keyMissing: false, depth: 0, budget: REQUEST_BUDGET, variantOf: () => undefined });

describe('loose comparisons', () => {
  it.each([
    [[1, 2], '1,2'], [[[1], [2, [3]]], '1,2,3'], [[null, undefined, 'a'], ',,a'], [[{}], '[object Object]'], [[], ''], [[true, 1.5, 'x'], 'true,1.5,x'],
  ])('turns %j into %j, as String() does', (value, text) => {
    expect(textOf(value, env())).toBe(String(value));
    expect(textOf(value, env())).toBe(text);
  });

  it('agrees with == and < for objects and primitives alike', () => {
    const values: unknown[] = [[1], ['a'], [], [[2]], {}, 1, 2, '1', 'a', '', null, true, false, [1, 2], '1,2'];
    for (const a of values) for (const b of values) {
      expect([a, b, looseEquals(a, b, env())]).toEqual([a, b, a == b]); // eslint-disable-line eqeqeq
      expect([a, b, (primitive(a, env()) as number) < (primitive(b, env()) as number)]).toEqual([a, b, (a as number) < (b as number)]);
    }
  });

  it('does not turn an array of more than 1,024 values into a string (JavaScript would walk it all): it compares as NaN', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const wide = Array.from({ length: 100_000 }, () => 0);
    for (const big of [deep as object, wide]) {
      const e = env();
      expect(textOf(big, e)).toBeNull();
      expect(looseEquals(big, '0', e)).toBe(false);
      expect(primitive(big, e)).toBeNaN();
      expect(e.budget).toBeGreaterThan(REQUEST_BUDGET - 20_000); // counted up to the limit, not through
    }
    const fits = Array.from({ length: 1000 }, () => 1);
    expect(textOf(fits, env())).toBe(String(fits));
  });
});
