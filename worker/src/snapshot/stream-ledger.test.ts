import { describe, expect, it } from 'vitest';
import { StreamLedger } from './stream-ledger';
import type { AdmitRequest, StreamCaps } from './stream-protocol';

const caps: StreamCaps = { perEnvironment: 10, perKey: 4, perRelay: 4 };
const isKey = (k: string) => k !== '';
const all = (_k: string) => true;

/** A relay's admission request: it holds `held` (by key), has applied answer `applied`, and wants `want`. */
function request(relay: string, held: Record<string, number>, want: Record<string, number>, applied = 0, instance = 'i1', n = 1): AdmitRequest {
  const total = Object.values(held).reduce((a, b) => a + b, 0);
  return { relay, instance, n, applied, held: { total, byKey: held }, want };
}

function admit(ledger: StreamLedger, r: AdmitRequest, active: (k: string) => boolean = all) {
  ledger.report(r, true);
  return ledger.grant(r, caps, active, isKey);
}

describe('StreamLedger', () => {
  it('grants up to the caps counted across relays, first come', () => {
    const ledger = new StreamLedger();
    expect(admit(ledger, request('e:any:0', {}, { a: 3 })).granted).toEqual({ a: 3 });
    // key a has 3 on relay 0 (granted, not yet applied): one more anywhere
    expect(admit(ledger, request('e:any:1', {}, { a: 2, b: 4 })).granted).toEqual({ a: 1, b: 4 });
    expect(ledger.count('a')).toBe(4);
    // the environment: 8 of 10 held, the dashboard's streams count too
    expect(admit(ledger, request('e:any:2', {}, { '': 5 })).granted).toEqual({ '': 2 });
    expect(ledger.count()).toBe(10);
    expect(ledger.shortOf({ c: 1 }, caps, isKey)).toEqual([null]);
    expect(ledger.shortOf({ a: 1 }, caps, isKey)).toEqual(['a', null]);
  });

  it('counts a grant until the relay reports it applied; a grant that never reached the relay is dropped at its next request', () => {
    const ledger = new StreamLedger();
    const first = admit(ledger, request('e:any:0', {}, { a: 2 }));
    expect(first.seq).toBe(1);
    // a report from before the answer arrived (a sweep's) still counts the grant apart
    ledger.report({ relay: 'e:any:0', instance: 'i1', n: 2, applied: 0, held: { total: 0, byKey: {} } });
    expect(ledger.count('a')).toBe(2);
    // applied: the relay's own count now includes them
    ledger.report({ relay: 'e:any:0', instance: 'i1', n: 3, applied: 1, held: { total: 2, byKey: { a: 2 } } });
    expect(ledger.count('a')).toBe(2);
    // a grant whose answer was lost: the relay asks again without having applied it
    admit(ledger, request('e:any:0', { a: 2 }, { a: 1 }, 1, 'i1', 4));
    expect(ledger.count('a')).toBe(3);
    admit(ledger, request('e:any:0', { a: 2 }, {}, 1, 'i1', 5));
    expect(ledger.count('a')).toBe(2);
  });

  it('a newer report wins over an older one; a restarted relay (a new instance) starts afresh', () => {
    const ledger = new StreamLedger();
    admit(ledger, request('e:any:0', { a: 3 }, {}, 0, 'i1', 5));
    ledger.report({ relay: 'e:any:0', instance: 'i1', n: 4, applied: 0, held: { total: 4, byKey: { a: 4 } } });
    expect(ledger.count('a')).toBe(3);
    ledger.report({ relay: 'e:any:0', instance: 'i2', n: 1, applied: 0, held: { total: 0, byKey: {} } });
    expect(ledger.count()).toBe(0);
    expect(ledger.idle()).toEqual(['e:any:0']);
  });

  it('refuses keys that are no longer active, whatever the caps', () => {
    const ledger = new StreamLedger();
    const answer = admit(ledger, request('e:any:0', {}, { a: 1, gone: 2 }), (k) => k !== 'gone');
    expect(answer).toMatchObject({ granted: { a: 1 }, revoked: ['gone'] });
    expect(ledger.keys()).toEqual(new Set(['a']));
  });

  it('spreads a region over more relays as it fills, about three quarters full each', () => {
    const ledger = new StreamLedger();
    expect(ledger.shards('weur', 4)).toBe(1);
    admit(ledger, request('e:weur:0', { a: 3 }, {}));
    expect(ledger.shards('weur', 4)).toBe(2);
    admit(ledger, request('e:weur:1', { b: 3 }, {}));
    expect(ledger.shards('weur', 4)).toBe(3);
    expect(ledger.shards('apac', 4)).toBe(1);
  });

  it('remembers relays from storage as unknown until they report', () => {
    const ledger = new StreamLedger();
    ledger.remember('e:any:3');
    expect(ledger.unknown).toEqual(['e:any:3']);
    expect(ledger.idle()).toEqual([]);
    ledger.report({ relay: 'e:any:3', instance: 'i9', n: 1, applied: 0, held: { total: 2, byKey: { a: 2 } } });
    expect(ledger.unknown).toEqual([]);
    expect(ledger.holding('a')).toEqual(['e:any:3']);
  });
});
