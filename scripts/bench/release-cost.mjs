// A flag under a release against the same flag with a plain `fractional` split (the bound: at most 10 % more
// per evaluation). Both sets: 100 boolean flags, 25 % on, evaluated for the same users, in alternating rounds.
//   node release-cost.mjs <engine-bundle.mjs>   -> one JSON line
import { pathToFileURL } from 'node:url';

const engine = await import(pathToFileURL(process.argv[2]).href);
const N = 100;
const keys = Array.from({ length: N }, (_, i) => `flag-${i}`);
const now = Date.UTC(2027, 0, 1);
const flag = (targeting) => ({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', ...(targeting ? { targeting } : {}) });
const fractional = engine.compileFlagSet({ flags: Object.fromEntries(keys.map((k) => [k, flag({ fractional: [['on', 25], ['off', 75]] })])) });
const released = engine.compileFlagSet({
  flags: Object.fromEntries(keys.map((k) => [k, flag(null)])),
  releases: {
    r: {
      state: 'rolling_out',
      salt: 'bench-salt',
      startAt: new Date(now - 3_600_000).toISOString(),
      steps: [{ percent: 5, holdMinutes: 30 }, { percent: 25, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }],
      flags: Object.fromEntries(keys.map((k) => [k, { inside: 'on', outside: 'off' }])),
    },
  },
});
const users = Array.from({ length: 1000 }, (_, i) => ({ targetingKey: `user-${i}-${(i * 2654435761) % 1e6}` }));
const options = { now };

function rate(set, ms) {
  let ops = 0;
  let sink = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(ms * 1e6);
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 4096; i++) sink += engine.evaluateFlag(set, keys[(ops + i) % N], users[(ops + i) % users.length], options).value ? 1 : 0;
    ops += 4096;
  }
  return { nsPerEval: Number(process.hrtime.bigint() - t0) / ops, sink };
}
const share = (set) => users.filter((u) => engine.evaluateFlag(set, keys[0], u, options).value).length / users.length;
rate(fractional, 500);
rate(released, 500);
const a = [];
const b = [];
for (let round = 0; round < 8; round++) {
  a.push(rate(fractional, 250).nsPerEval);
  b.push(rate(released, 250).nsPerEval);
}
const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];
console.log(JSON.stringify({ fractionalNs: median(a), releaseNs: median(b), ratio: median(b) / median(a), shares: [share(fractional), share(released)], node: process.version }));
