// The benchmark's flag set, generated here (seeded, no files needed): 200 flags as a flagd file, in the
// shape of a typical production set — 20% plain booleans, 80% targeted with attribute (`in` + `==`),
// `ends_with`, `sem_ver` rules and a 10% `fractional` rollout hashed on the targeting key.
import { mulberry32 } from '../workload.mjs';

export const COUNTRIES = ['US', 'CA', 'MX', 'BR', 'AR', 'GB', 'IE', 'FR', 'DE', 'NL', 'ES', 'IT', 'PL', 'SE', 'IN', 'JP', 'KR', 'AU', 'NZ', 'ZA'];
export const PLANS = ['free', 'starter', 'pro', 'enterprise'];
export const DOMAINS = Array.from({ length: 30 }, (_, i) => `example${i}.com`);

const pick = (rnd, xs) => xs[Math.floor(rnd() * xs.length)];
function pickN(rnd, xs, n) {
  const pool = [...xs];
  const out = [];
  while (out.length < n) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]);
  return out;
}

export const flagKey = (i) => `flag-${String(i).padStart(3, '0')}`;

export function generateFlagd({ nFlags = 200, seed = 20240601 } = {}) {
  const rnd = mulberry32(seed);
  const flags = {};
  for (let i = 0; i < nFlags; i++) {
    const key = flagKey(i);
    if (i % 5 === 0) {
      flags[key] = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: (i / 5) % 2 === 0 ? 'on' : 'off' };
      continue;
    }
    const isBool = i % 2 === 1;
    const major = 2 + Math.floor(rnd() * 3);
    const minor = Math.floor(rnd() * 10);
    const [v1, v2, v3] = isBool ? ['on', 'on', 'on'] : ['beta', 'internal', 'modern'];
    const rollout = isBool
      ? { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['on', 10], ['off', 90]] }
      : { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['treatment-a', 5], ['treatment-b', 5], ['control', 90]] };
    flags[key] = {
      state: 'ENABLED',
      variants: isBool
        ? { on: true, off: false }
        : { control: 'control', beta: 'beta', internal: 'internal', modern: 'modern', 'treatment-a': 'treatment-a', 'treatment-b': 'treatment-b' },
      defaultVariant: isBool ? 'off' : 'control',
      targeting: {
        if: [
          { and: [{ in: [{ var: 'country' }, pickN(rnd, COUNTRIES, 3)] }, { '==': [{ var: 'plan' }, pick(rnd, PLANS)] }] },
          v1,
          { ends_with: [{ var: 'email' }, '@' + pick(rnd, DOMAINS)] },
          v2,
          { sem_ver: [{ var: 'appVersion' }, '>=', `${major}.${minor}.0`] },
          v3,
          rollout,
        ],
      },
    };
  }
  return { $schema: 'https://flagd.dev/schema/v0/flags.json', flags };
}

/** One realistic evaluation context (a signed-in user of a web app). */
export const benchContext = {
  targetingKey: 'user-4711-9f3a62c1',
  email: 'user4711@example17.com',
  country: 'DE',
  plan: 'pro',
  appVersion: '2.7.13',
};
