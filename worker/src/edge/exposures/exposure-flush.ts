// Turns this isolate's buffers into per-environment batches (counts per flag, variant, side and minute; user sketches
// per release side) and hands them to the exposure store. Runs in the background (waitUntil), never on a response.
import type { Bindings } from '../../bindings';
import type { EvaluationResult } from '../../engine/types';
import { servedToken, type ExposureBatch, type ExposureCount, type UserSet } from '../../measure/exposure-types';
import { HyperLogLog } from '../../measure/hyperloglog';
import { servedInside, takeBuffers, type Pending } from './exposure-buffer';
import { murmur3 } from '../../engine';
import { sideOf, variantName } from './release-sides';
import { exposureStore } from './exposure-store';

/** Counts a store could not take yet (Analytics Engine takes 250 data points per invocation), sent with the next flush. */
let carried: ExposureBatch[] = [];

/** The batches of these buffers, one per environment. */
export function batchesOf(buffers: Pending[]): ExposureBatch[] {
  const byEnv = new Map<string, { salts: Map<string, string> | undefined; served: Map<string, Set<string>>; traffic: Map<string, { release: string; minute: number; count: number }>; counts: Map<string, ExposureCount>; users: Map<string, { release: string; side: UserSet; minute: number; h: HyperLogLog }> }>();
  for (const p of buffers) {
    const envId = p.live.snapshot.environmentId;
    let e = byEnv.get(envId);
    if (!e) byEnv.set(envId, (e = { salts: undefined, served: new Map(), traffic: new Map(), counts: new Map(), users: new Map() }));
    const traffic = (release: string, n: number) => {
      const t = e!.traffic.get(`${release}\u0000${p.minute}`);
      if (t) t.count += n;
      else e!.traffic.set(`${release}\u0000${p.minute}`, { release, minute: p.minute, count: n });
    };
    const perResult = new Map<EvaluationResult, number>(p.single);
    p.bulkCounts().forEach((r, n) => perResult.set(r, (perResult.get(r) ?? 0) + n));
    for (const [r, n] of perResult) {
      if (r.errorCode === 'FLAG_NOT_FOUND') continue;
      const rel = p.sides?.byFlag.get(r.key);
      const side = rel ? sideOf(rel, r) : null;
      const variant = variantName(r);
      traffic('', n);
      if (rel) traffic(rel.release, n);
      const key = `${r.key}\u0000${variant}\u0000${side ?? ''}\u0000${p.minute}`;
      const c = e.counts.get(key);
      if (c) c.count += n;
      else e.counts.set(key, { flag: r.key, variant, side, minute: p.minute, count: n });
    }
    const sketch = (release: string, side: UserSet) => {
      const key = `${release}\u0000${side}\u0000${p.minute}`;
      let u = e!.users.get(key);
      if (!u) e!.users.set(key, (u = { release, side, minute: p.minute, h: new HyperLogLog() }));
      return u.h;
    };
    for (const [key, h] of p.users) {
      const [release, side] = key.split('\u0000');
      sketch(release, side as UserSet).merge(h);
    }
    for (const [release, ids] of p.served) for (const id of ids) servedInside(e.served, release, id);
    const releases = p.live.snapshot.document.releases ?? {};
    e.salts ??= new Map();
    for (const release of e.served.keys()) if (releases[release]) e.salts.set(release, releases[release].salt);
  }
  return [...byEnv.entries()].map(([environmentId, e]) => ({
    environmentId,
    counts: [...e.counts.values()],
    traffic: [...e.traffic.values()],
    served: [...e.served.entries()].filter(([release]) => e.salts?.has(release)).map(([release, ids]) => ({ release, tokens: [...ids].map((id) => servedToken(murmur3, e.salts!.get(release)!, id)) })),
    users: [...e.users.values()].map((u) => ({ release: u.release, side: u.side, minute: u.minute, registers: u.h.registers })),
  }));
}

/** Flushes under way in this isolate: a read waits for them too, so that it sees every count this isolate made. */
const inflight = new Set<Promise<void>>();

/** Flushes this isolate's counts: the buffers are taken at once, so counting goes on while the write runs. */
export function flushExposures(env: Bindings): Promise<void> {
  const mine = write(env);
  inflight.add(mine);
  void mine.finally(() => inflight.delete(mine));
  return Promise.all([...inflight]).then(() => undefined);
}

async function write(env: Bindings): Promise<void> {
  const batches = [...carried, ...batchesOf(takeBuffers())];
  carried = [];
  if (batches.length === 0) return;
  const store = exposureStore(env);
  for (const batch of batches) {
    try {
      const rest = await store.write(batch);
      if (rest) carried.push(rest);
    } catch (err) {
      // counts are eventually consistent and may be lost (docs/architecture.md, Exposures): never retried forever
      console.error('curtain: exposures not recorded', batch.environmentId, String(err));
    }
  }
}
