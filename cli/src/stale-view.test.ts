// Stale flags in words, given what the server answers (issue 21's fields): reasons, usage, where the code uses them.
import { describe, expect, it } from 'vitest';
import { reasonWords, staleLines, type StaleFlag } from './stale-view';

const released: StaleFlag = {
  key: 'checkout-v2',
  stale: { reason: 'released', since: '2026-11-20T10:00:00.000Z', stillInCode: ['production'] },
  usage: { production: { lastEvaluatedAt: '2026-12-07T09:00:00.000Z', evaluations24h: 1200 }, staging: { lastEvaluatedAt: '2026-12-01T09:00:00.000Z', evaluations24h: 0 } },
  inCode: [
    {
      environment: 'production',
      deployment: { version: '2.14.0', commit: '3f9c2d1a7b6e5d4c3b2a', at: '2026-12-06T10:00:00.000Z' },
      references: Array.from({ length: 7 }, (_, i) => ({ file: `src/checkout/page${i}.tsx`, line: 10 + i })),
    },
  ],
};
const unevaluated: StaleFlag = { key: 'old-banner', stale: { reason: 'unevaluated', since: '2026-10-01T00:00:00.000Z', stillInCode: [] }, usage: { production: { lastEvaluatedAt: null, evaluations24h: 0 } }, inCode: [] };

describe('stale flags', () => {
  it('lists each with its reason, since when, last evaluation and where the code still uses it', () => {
    const lines = staleLines([released, unevaluated], 'shop');
    expect(lines[0]).toMatch(/^KEY\s+STALE\s+SINCE\s+LAST EVALUATED\s+STILL IN CODE$/);
    expect(lines[1]).toMatch(/^checkout-v2\s+released: one variant for everyone\s+2026-11-20\s+2026-12-07 \(1200 in 24h\)\s+production$/);
    expect(lines[2]).toMatch(/^old-banner\s+not evaluated\s+2026-10-01\s+never\s+no$/);
    expect(lines).toContain(
      '  checkout-v2 in production (2.14.0, 3f9c2d1a7b6e): src/checkout/page0.tsx:10, src/checkout/page1.tsx:11, src/checkout/page2.tsx:12, src/checkout/page3.tsx:13, src/checkout/page4.tsx:14, and 2 more',
    );
    expect(lines.at(-1)).toBe('2 stale flags, 1 still in code: remove that use and deploy before archiving');
  });

  it('says when none is in code, when a deployment recorded no lines, and when there are none at all', () => {
    expect(staleLines([unevaluated], 'shop').at(-1)).toBe('1 stale flag: no deployed code uses them, so they can be archived');
    const bare = { ...released, inCode: [{ ...released.inCode[0], deployment: { version: '1.0', at: '2026-12-01T00:00:00.000Z' }, references: [] }] };
    expect(staleLines([bare], 'shop')).toContain('  checkout-v2 in production (1.0) (recorded without file and line)');
    expect(staleLines([], 'shop', 'production')).toEqual(['no stale flags in project "shop" (looking at production)']);
    expect(staleLines([released], 'shop', 'production')[0]).toContain('LAST EVALUATED IN PRODUCTION');
  });

  it('names a reason it does not know as the server gave it', () => {
    expect(reasonWords({ reason: 'archived-upstream', since: '', stillInCode: [] })).toBe('archived-upstream');
  });
});
