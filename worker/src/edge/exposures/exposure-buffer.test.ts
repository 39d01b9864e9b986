// Bulk answers are counted by position and identity (BulkCounts): every result must be counted exactly as a plain
// Map of result → count would count it, whatever the answers' lengths, order or number of distinct results.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EvaluationResult } from '../../engine/types';
import { BulkCounts } from './exposure-buffer';

const result = (key: string, variant: string): EvaluationResult => Object.freeze({ key, variant, value: variant, reason: 'TARGETING_MATCH' });

function counted(c: BulkCounts): Map<EvaluationResult, number> {
  const out = new Map<EvaluationResult, number>();
  // a result met at two positions (answers of another order) is counted in both: forEach gives both parts
  c.forEach((r, n) => out.set(r, (out.get(r) ?? 0) + n));
  return out;
}

describe('BulkCounts', () => {
  it('counts like a Map, with more results per position than it has slots and answers of other lengths and order', () => {
    // 12 flags with 1 to 7 results each (7 is past the 4 slots); an answer is a prefix of the flags, maybe reversed
    const pool = Array.from({ length: 12 }, (_, f) => Array.from({ length: 1 + (f % 7) }, (_, v) => result(`flag-${f}`, `v${v}`)));
    const answer = fc.record({ length: fc.integer({ min: 0, max: 12 }), picks: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), reversed: fc.boolean(), n: fc.integer({ min: 1, max: 5 }) });
    fc.assert(
      fc.property(fc.array(answer, { maxLength: 40 }), (answers) => {
        const c = new BulkCounts();
        const expected = new Map<EvaluationResult, number>();
        for (const a of answers) {
          const results = pool.slice(0, a.length).map((rs, f) => rs[a.picks[f] % rs.length]);
          if (a.reversed) results.reverse();
          c.add(results, a.n);
          for (const r of results) expected.set(r, (expected.get(r) ?? 0) + a.n);
        }
        expect(counted(c)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('counts results made per request (not shared) one by one', () => {
    const c = new BulkCounts();
    const made = Array.from({ length: 9 }, () => ({ key: 'x', reason: 'ERROR', errorCode: 'GENERAL' }) as EvaluationResult);
    for (const r of made) c.add([r], 2);
    const out = counted(c);
    expect(out.size).toBe(9);
    expect([...out.values()].every((n) => n === 2)).toBe(true);
  });
});
