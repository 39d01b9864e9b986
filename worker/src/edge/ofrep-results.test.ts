// Bulk answers from shared results: the same results give the same bytes and ETag, reused rather than rebuilt.
import { describe, expect, it } from 'vitest';
import { compileFlagSet, evaluateAll, murmur3 } from '../engine';
import { BulkWireSlots, type BulkWire } from './ofrep-results';

const set = compileFlagSet({
  flags: {
    a: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on'] } },
    b: { state: 'ENABLED', variants: { x: 'x', y: 'y' }, defaultVariant: 'x' },
  },
});
const tailOf = (text: string): BulkWire => ({ text, h1: murmur3(text, 1), h2: murmur3(text, 2) });
const tail = tailOf(']}');

describe('BulkWireSlots.answer', () => {
  it('gives equal results equal bodies and ETags, and reuses the last answer for the very same results', () => {
    const slots = new BulkWireSlots();
    const first = slots.answer(evaluateAll(set, { plan: 'pro' }, { now: 0 }), tail);
    expect(JSON.parse(first.body).flags.map((f: { value: unknown }) => f.value)).toEqual([true, 'x']);
    const again = slots.answer(evaluateAll(set, { plan: 'pro' }, { now: 0 }), tail);
    expect(again).toBe(first);
    const other = slots.answer(evaluateAll(set, { plan: 'free' }, { now: 0 }), tail);
    expect(JSON.parse(other.body).flags.map((f: { value: unknown }) => f.value)).toEqual([false, 'x']);
    expect(other.etag).not.toBe(first.etag);
    // the same answer from a fresh set of slots: bytes and ETag depend on the results alone
    expect(new BulkWireSlots().answer(evaluateAll(set, { plan: 'free' }, { now: 0 }), tail)).toEqual(other);
  });

  it('never reuses an answer across tails (another key) or with a result made for this request alone', () => {
    const slots = new BulkWireSlots();
    const mine = slots.answer(evaluateAll(set, { plan: 'pro' }, { now: 0 }), tail);
    const theirs = slots.answer(evaluateAll(set, { plan: 'pro' }, { now: 0 }), tailOf(']},"x":1}'));
    expect(theirs.body).not.toBe(mine.body);
    const bad = evaluateAll(set, [] as never, { now: 0 }); // INVALID_CONTEXT: made per request
    expect(slots.answer(bad, tail).body).toContain('INVALID_CONTEXT');
    expect(slots.answer(evaluateAll(set, { plan: 'pro' }, { now: 0 }), tail)).toEqual(mine);
  });
});
