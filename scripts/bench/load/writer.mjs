// Admin writes in the background of a load run: one PATCH per period on one flag, alternating its default
// variant, each answer's status and latency recorded, and the version each write committed.
import { call } from '../http/miniflare.mjs';

export function startWriter({ base, adminToken, flagKey, variants, everyMs = 1000 }) {
  const writes = [];
  let stopped = false;
  let wake = () => {};
  let i = 0;
  const path = `/api/v1/projects/default/environments/development/flags/${flagKey}`;
  const loop = (async () => {
    while (!stopped) {
      const next = Date.now() + everyMs;
      const variant = variants[i++ % variants.length];
      const t = performance.now();
      const r = await call(base, 'PATCH', path, { token: adminToken, body: { defaultVariant: variant } }).catch((e) => ({ status: 0, text: String(e) }));
      writes.push({ at: Date.now(), ms: performance.now() - t, status: r.status, variant, error: r.status === 200 ? null : String(r.text).slice(0, 200) });
      await new Promise((res) => {
        const timer = setTimeout(res, Math.max(0, next - Date.now()));
        wake = () => (clearTimeout(timer), res());
      });
    }
  })();
  return {
    writes,
    async stop() {
      stopped = true;
      wake();
      await loop;
      return writes;
    },
  };
}
