// Curtain's copy of the side-by-side harness's workload generator (../shared/bench-peers/workload):
// same algorithm and seed, so the same 200 flags x 10,000 users; also scales to larger environments.
// Used when ../shared/bench-peers is absent, and for the 10,000-flag compile measurement.

export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (rnd, arr) => arr[Math.floor(rnd() * arr.length)];
function pickN(rnd, arr, n) {
  const copy = arr.slice();
  const out = [];
  for (let i = 0; i < n && copy.length; i++) out.push(copy.splice(Math.floor(rnd() * copy.length), 1)[0]);
  return out;
}

export const COUNTRIES = ['US', 'CA', 'MX', 'BR', 'AR', 'GB', 'IE', 'FR', 'DE', 'NL', 'ES', 'IT', 'PL', 'SE', 'IN', 'JP', 'KR', 'AU', 'NZ', 'ZA'];
export const PLANS = ['free', 'starter', 'pro', 'enterprise'];
export const DOMAINS = Array.from({ length: 30 }, (_, i) => `example${i}.com`);

/** 20% simple flags; the rest: country+plan, email domain, app version, then a 10% rollout. */
export function generateWorkload({ seed = 20240601, nFlags = 200, nUsers = 10000 } = {}) {
  const rnd = mulberry32(seed);
  const flags = [];
  for (let i = 0; i < nFlags; i++) {
    const key = `flag-${String(i).padStart(3, '0')}`;
    if (i % 5 === 0) {
      const enabled = (i / 5) % 2 === 0;
      flags.push({ key, type: 'boolean', simple: true, enabled, default: enabled, rules: [], rollout: null });
      continue;
    }
    const isBool = i % 2 === 1;
    const serve = isBool ? [true, true, true] : ['beta', 'internal', 'modern'];
    const major = 2 + Math.floor(rnd() * 3);
    const minor = Math.floor(rnd() * 10);
    const rules = [
      { id: 'r1', all: [{ attr: 'country', op: 'in', values: pickN(rnd, COUNTRIES, 3) }, { attr: 'plan', op: 'eq', value: pick(rnd, PLANS) }], serve: serve[0] },
      { id: 'r2', all: [{ attr: 'email', op: 'endsWith', value: '@' + pick(rnd, DOMAINS) }], serve: serve[1] },
      { id: 'r3', all: [{ attr: 'appVersion', op: 'semverGte', value: `${major}.${minor}.0` }], serve: serve[2] },
    ];
    const rollout = isBool
      ? { percentage: 10, split: [{ value: true, weight: 100 }] }
      : { percentage: 10, split: [{ value: 'treatment-a', weight: 50 }, { value: 'treatment-b', weight: 50 }] };
    flags.push({ key, type: isBool ? 'boolean' : 'string', simple: false, enabled: true, default: isBool ? false : 'control', rules, rollout });
  }
  const users = [];
  for (let u = 0; u < nUsers; u++) {
    const id = Math.floor(rnd() * 0xffffffff).toString(16).padStart(8, '0');
    const r = rnd();
    const major = r < 0.35 ? 1 : r < 0.7 ? 2 : r < 0.92 ? 3 : 4;
    users.push({
      key: `user-${u}-${id}`,
      email: `user${u}@${pick(rnd, DOMAINS)}`,
      country: pick(rnd, COUNTRIES),
      plan: pick(rnd, PLANS),
      appVersion: `${major}.${Math.floor(rnd() * 20)}.${Math.floor(rnd() * 30)}`,
    });
  }
  return { version: 1, seed, nFlags, nUsers, flags, users };
}
