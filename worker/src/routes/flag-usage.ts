// The flag list's and flag view's `usage` per environment (when the edge last evaluated each flag, how often in 24
// hours: the exposure store) and `stale`. Not part of a flag's version: its ETag does not cover them.
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import { flagUsage } from '../edge/exposures/exposure-reads';
import { environments } from '../store/schema';
import type { ProjectRow } from '../store/db';
import { staleInputs, staleOf, stillInCode, type Stale } from '../store/stale-flags';

interface FlagWithEnvironments {
  key: string;
  createdAt: string;
  environments: Record<string, object>;
}

/** The flags with `usage` in each environment and `stale` (store/stale-flags.ts). */
export async function withUsage<F extends FlagWithEnvironments>(c: Context<AppEnv>, project: ProjectRow, flags: F[]): Promise<(F & { stale: Stale })[]> {
  if (flags.length === 0) return [];
  const now = Date.now();
  const envs = await c.var.db.select({ id: environments.id, key: environments.key }).from(environments).where(eq(environments.projectId, project.id));
  const [usage, inputs] = await Promise.all([flagUsage(c.env, envs.map((e) => e.id), flags.map((f) => f.key), now), staleInputs(c.var.db, project.id, now)]);
  return flags.map((f) => {
    const last: (string | null)[] = [];
    const configs = Object.entries(f.environments).map(([key, config]) => {
      const id = envs.find((e) => e.key === key)?.id;
      const u = id ? usage.get(id)?.[f.key] : undefined;
      last.push(u?.lastEvaluatedAt ?? null);
      return [key, u ? { ...config, usage: u } : config];
    });
    // without usage from every environment (a store unreachable), nothing is called unevaluated
    const known = configs.every(([, config]) => 'usage' in (config as object));
    const stale = staleOf(f.key, Date.parse(f.createdAt), known ? last : [new Date(now).toISOString()], inputs, project.staleAfterDays, now);
    return { ...f, environments: Object.fromEntries(configs), stale };
  });
}

/** An archive of a flag that a deployment still references succeeds, and says so: `warnings: [{ code: 'STILL_IN_CODE', … }]`. */
export async function withArchiveWarning(c: Context<AppEnv>, project: ProjectRow, key: string, res: Response): Promise<Response> {
  const environments = stillInCode(await staleInputs(c.var.db, project.id, Date.now()), key);
  if (environments.length === 0) return res;
  const view = (await res.json()) as Record<string, unknown>;
  const message = `Flag '${key}' is archived, but the newest deployment of ${environments.join(', ')} still references it: remove it from the code, or unarchive it before that code is released`;
  return new Response(JSON.stringify({ ...view, warnings: [{ code: 'STILL_IN_CODE', environments, message }] }), { status: res.status, headers: res.headers });
}
