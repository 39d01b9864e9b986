// Side-by-side harness adapter for Curtain's engine (copied into the harness as adapters/curtain.mjs,
// beside _curtain-config.mjs and the engine bundle ../curtain-engine.mjs built by bench-engine.mjs).
import { compileFlagSet, evaluateAll, evaluateFlag } from '../curtain-engine.mjs';
import { toCurtainFlagSet } from './_curtain-config.mjs';

// The worker takes the time once per request; a fixed instant keeps the loop honest and comparable.
const NOW = Date.UTC(2026, 10, 27);
const options = { now: NOW };

export default {
  name: 'curtain',
  packages: [],
  async: false,
  buildConfig: (w) => JSON.stringify(toCurtainFlagSet(w)),
  // A stored snapshot was validated when saved: loading it is parse + compile.
  setup: (cfg) => compileFlagSet(JSON.parse(cfg)),
  makeContext: (u) => ({ targetingKey: u.key, email: u.email, country: u.country, plan: u.plan, appVersion: u.appVersion }),
  evalOne: (set, flag, ctx) => evaluateFlag(set, flag.key, ctx, options).value,
  evalAll: (set, ctx) => evaluateAll(set, ctx, options),
  normalizeAll: (results) => Object.fromEntries(results.map((r) => [r.key, r.value])),
};
