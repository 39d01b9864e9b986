// Edit-to-visible measurement: edit a flag through one origin, poll OFREP through one or more others.
import { call, callOk } from '../http/miniflare.mjs';

export const FLAG = 'bench-propagation';
const ENV_PATH = '/api/v1/projects/default/environments/development';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Creates (or reuses) a string flag with two variants, enabled in development on variant `a`. */
export async function prepareFlag(writer, adminToken) {
  const created = await call(writer, 'POST', '/api/v1/projects/default/flags', {
    token: adminToken,
    body: { key: FLAG, description: 'bench:propagation', variants: { a: 'blue', b: 'green' }, environments: { development: { state: 'ENABLED', defaultVariant: 'a' } } },
  });
  if (created.status !== 201 && created.status !== 409) throw new Error(`create flag: ${created.status} ${created.text}`);
  await callOk(writer, 'PATCH', `${ENV_PATH}/flags/${FLAG}`, { token: adminToken, body: { state: 'ENABLED', defaultVariant: 'a' } });
}

async function evaluate(reader, sdkKey) {
  const r = await call(reader, 'POST', `/ofrep/v1/evaluate/flags/${FLAG}`, { headers: { authorization: `Bearer ${sdkKey}` }, body: { context: { targetingKey: 'bench-user' } } });
  if (r.status !== 200) throw new Error(`OFREP ${reader}: ${r.status} ${r.text.slice(0, 200)}`);
  return r.json.value;
}

/** Polls `reader` every `intervalMs` until it serves `want`; returns ms since `since` (null on timeout). */
async function waitFor(reader, sdkKey, want, since, { intervalMs, timeoutMs }) {
  for (;;) {
    const value = await evaluate(reader, sdkKey);
    const now = performance.now();
    if (value === want) return now - since;
    if (now - since > timeoutMs) return null;
    await sleep(intervalMs);
  }
}

/**
 * `edits` times: PATCH the default variant (alternating) through `writer`; from the moment the response
 * arrives (the write has committed and been published), poll every reader until it serves the new value.
 * Between edits the readers keep being polled for a random 300–1300 ms, so each edit lands at a random
 * phase of the readers' revalidation cycle, as it would under steady traffic.
 */
export async function measure({ writer, readers, adminToken, sdkKey, edits = 50, intervalMs = 20, timeoutMs = 15_000, onEdit = () => {} }) {
  await prepareFlag(writer, adminToken);
  const samples = Object.fromEntries(Object.keys(readers).map((k) => [k, []]));
  const values = { a: 'blue', b: 'green' };
  // settle: every reader serves variant a before the first edit
  for (const [, url] of Object.entries(readers)) await waitFor(url, sdkKey, values.a, performance.now(), { intervalMs, timeoutMs: 10_000 });
  let variant = 'a';
  for (let i = 0; i < edits; i++) {
    variant = variant === 'a' ? 'b' : 'a';
    const patchStart = performance.now();
    await callOk(writer, 'PATCH', `${ENV_PATH}/flags/${FLAG}`, { token: adminToken, body: { defaultVariant: variant } });
    const committed = performance.now();
    const results = await Promise.all(
      Object.entries(readers).map(async ([name, url]) => [name, await waitFor(url, sdkKey, values[variant], committed, { intervalMs, timeoutMs })]),
    );
    for (const [name, ms] of results) samples[name].push(ms);
    onEdit(i + 1, committed - patchStart, Object.fromEntries(results));
    // keep the readers busy (steady traffic) for a random while before the next edit
    const until = performance.now() + 300 + Math.random() * 1000;
    while (performance.now() < until) {
      await Promise.all(Object.values(readers).map((url) => evaluate(url, sdkKey)));
      await sleep(intervalMs);
    }
  }
  return samples;
}

export function stats(xs) {
  const ok = xs.filter((x) => x !== null).sort((a, b) => a - b);
  const q = (p) => (ok.length ? ok[Math.min(ok.length - 1, Math.ceil((p / 100) * ok.length) - 1)] : NaN);
  return { n: xs.length, timeouts: xs.length - ok.length, p50: q(50), p95: q(95), p99: q(99), max: ok.at(-1) ?? NaN, mean: ok.reduce((a, b) => a + b, 0) / (ok.length || 1) };
}

export async function propagationStatus(writer, adminToken) {
  return callOk(writer, 'GET', `${ENV_PATH}/propagation`, { token: adminToken });
}
