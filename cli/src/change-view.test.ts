// Change requests in words: the held write's outcome (exit 8, absolute URL), states, and the full view with drift.
import { describe, expect, it } from 'vitest';
import { absolute, describeRequest, heldOutcome, stateWords, type ChangeRequest } from './change-view';
import { EXIT } from './output';

const request = (over: Partial<ChangeRequest> = {}): ChangeRequest => ({
  id: 'abcdefgh12345678',
  state: 'open',
  kind: 'flag.configure',
  summary: "change state of flag 'checkout' in production",
  project: 'shop',
  environment: 'production',
  change: { params: { project: 'shop', env: 'production', flag: 'checkout' }, query: {}, body: { state: 'ENABLED' } },
  base: { state: 'DISABLED' },
  author: { id: 't1', name: 'ci' },
  requiredApprovals: 2,
  approvals: [],
  rejection: null,
  appliedBy: null,
  appliedAt: null,
  expiresAt: '2026-12-14T10:00:00.000Z',
  createdAt: '2026-12-07T10:00:00.000Z',
  updatedAt: '2026-12-07T10:00:00.000Z',
  url: '/requests/abcdefgh12345678?project=shop',
  ...over,
});

describe('a held write', () => {
  it('is an outcome with exit 8: the request on stdout with its absolute URL, and how a pipeline waits', () => {
    const held = heldOutcome(request(), 'https://flags.example.com', 'shop');
    expect(held.exitCode).toBe(EXIT.pending);
    expect(held.data).toEqual({ changeRequest: { ...request(), url: 'https://flags.example.com/requests/abcdefgh12345678?project=shop' } });
    expect(held.human).toEqual([
      "held for approval: production is protected, so this opened change request abcdefgh12345678 (change state of flag 'checkout' in production); nothing has changed yet",
      '  it needs 2 approvals by someone other than ci, then someone to apply it: https://flags.example.com/requests/abcdefgh12345678?project=shop',
      '  → curtain changes wait abcdefgh12345678 --project shop waits until it is applied (--apply applies it once approved)',
    ]);
  });

  it('leaves an absolute URL as it is, and names no project when it is the default', () => {
    expect(absolute(request({ url: 'https://elsewhere.example/r/1' }), 'https://flags.example.com').url).toBe('https://elsewhere.example/r/1');
    expect(heldOutcome(request({ project: 'default' }), 'http://127.0.0.1:8787', 'default').human[2]).toBe('  → curtain changes wait abcdefgh12345678 waits until it is applied (--apply applies it once approved)');
  });
});

describe('states', () => {
  it.each([
    [request(), 'open, 0 of 2 approvals, expires 2026-12-14T10:00:00Z'],
    [request({ state: 'approved', requiredApprovals: 1, approvals: [{ id: 'p', name: 'ann', at: '2026-12-07T11:00:00.000Z', comment: null }] }), 'approved (1 of 1), ready to apply, expires 2026-12-14T10:00:00Z'],
    [request({ state: 'applied', appliedBy: { id: 'p', name: 'ann' }, appliedAt: '2026-12-07T12:00:00.000Z' }), 'applied by ann 2026-12-07T12:00:00Z'],
    [request({ state: 'rejected', rejection: { id: 'p', name: 'bob', at: '2026-12-07T12:00:00.000Z', comment: 'not now' } }), 'rejected by bob 2026-12-07T12:00:00Z: "not now"'],
    [request({ state: 'expired' }), 'expired 2026-12-14T10:00:00Z without being applied'],
  ])('%#: %s', (r, words) => expect(stateWords(r)).toBe(words));
});

describe('the full view', () => {
  it('shows the exact change, reviews, and whether the target moved since', () => {
    const r = request({ approvals: [{ id: 'p', name: 'ann', at: '2026-12-07T11:00:00.000Z', comment: 'ok' }], change: { params: {}, query: { force: true }, body: { state: 'ENABLED' } } });
    const lines = describeRequest(r, []);
    expect(lines).toContain('  approved by ann 2026-12-07T11:00:00Z: "ok"');
    expect(lines).toContain('  options: force=true');
    expect(lines).toContain('      "state": "ENABLED"');
    expect(lines.at(-1)).toBe('  its target is as it was when the request was made: applying it changes exactly what was reviewed');
    const moved = describeRequest(r, [{ path: '/config/state', before: 'DISABLED', after: 'ENABLED' }]);
    expect(moved.slice(-2)).toEqual(['  its target changed since the request was made (apply will be refused: review it again):', '    /config/state: "DISABLED" → "ENABLED"']);
  });

  it('shortens a long change and long values', () => {
    const body = { flags: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, { state: 'ENABLED' }])) };
    const lines = describeRequest(request({ change: { params: {}, query: {}, body } }), [{ path: '/x', before: 'a'.repeat(200), after: null }]);
    expect(lines.some((l) => /^ {4}… \d+ more lines \(--json shows all\)$/.test(l))).toBe(true);
    expect(lines.at(-1)!.length).toBeLessThan(100);
  });
});
