// One simulated environment for bench:scale: the bundled worker in Miniflare with the stream caps a phase
// asks for, the driver worker beside it, a bootstrapped project, a flag to change and a stream URL.
import { join } from 'node:path';
import { applyMigrations, bootstrap, callOk, curtainWorker, randomToken, startMiniflare } from '../http/miniflare.mjs';
import { childPids } from './cpu.mjs';
import { drive, driverWorker } from './driver.mjs';

const ENV_PATH = '/api/v1/projects/default/environments/development';

/** Starts Curtain with `vars` over wrangler.toml's; `stateDir` must be fresh. */
export async function startEnvironment({ scriptPath, stateDir, vars = {} }) {
  const before = new Set(childPids());
  const adminToken = randomToken();
  // streams connect to the worker's own socket: through Miniflare's entry worker each would hold two descriptors
  const worker = await curtainWorker({ scriptPath, adminToken, extra: { unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] } });
  worker.bindings = { ...worker.bindings, ...vars };
  const { mf, url } = await startMiniflare({ workers: [worker, driverWorker()] }, { persistTo: stateDir });
  const pids = childPids().filter((p) => !before.has(p));
  await applyMigrations(await mf.getD1Database('DB', 'curtain'));
  const sdkKey = await bootstrap(url, adminToken);
  const driverUrl = (await mf.unsafeGetDirectURL('scale-driver')).toString().replace(/\/$/, '');
  await callOk(url, 'POST', '/api/v1/projects/default/flags', { token: adminToken, body: { key: 'scale-flag' } });
  const bulk = await callOk(url, 'POST', '/ofrep/v1/evaluate/flags', { token: sdkKey, body: { context: {} } });
  const direct = (await mf.unsafeGetDirectURL('curtain')).toString().replace(/\/$/, '');
  const streamUrl = direct + bulk.eventStreams[0].endpoint.requestUri;
  const environmentId = new URL(streamUrl).searchParams.get('environment');
  let edits = 0;
  return {
    mf,
    url,
    pids,
    streamUrl,
    environmentId,
    keyId: new URL(streamUrl).searchParams.get('key'),
    adminToken,
    /** head reads, applied reports, relay counts, as the edge's locations would make them */
    drive: (path, params = {}) => drive(driverUrl, path, { environment: environmentId, ...params }),
    /** One committed change; `t0` (performance.now()) is taken just before its PATCH is sent. */
    async change() {
      const t0 = performance.now();
      await callOk(url, 'PATCH', `${ENV_PATH}/flags/scale-flag`, { token: adminToken, body: { defaultVariant: edits++ % 2 ? 'on' : 'off' } });
      const patchMs = performance.now() - t0;
      const { version } = await drive(driverUrl, '/heads', { environment: environmentId, n: 1 });
      return { version, t0, patchMs };
    },
    stop: () => mf.dispose(),
  };
}

export const statePath = (work, name) => join(work, `state-${name}`);
