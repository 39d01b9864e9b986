// The flag list's and flag view's `usage` per environment: when the edge last evaluated each flag and how often in
// 24 hours, from the exposure store (edge/exposures). Not part of a flag's version: its ETag does not cover it.
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import { flagUsage } from '../edge/exposures/exposure-reads';
import { environments } from '../store/schema';

interface FlagWithEnvironments {
  key: string;
  environments: Record<string, object>;
}

export async function withUsage<F extends FlagWithEnvironments>(c: Context<AppEnv>, projectId: string, flags: F[]): Promise<F[]> {
  if (flags.length === 0) return flags;
  const envs = await c.var.db.select({ id: environments.id, key: environments.key }).from(environments).where(eq(environments.projectId, projectId));
  const usage = await flagUsage(c.env, envs.map((e) => e.id), flags.map((f) => f.key), Date.now());
  return flags.map((f) => ({
    ...f,
    environments: Object.fromEntries(
      Object.entries(f.environments).map(([key, config]) => {
        const id = envs.find((e) => e.key === key)?.id;
        const u = id ? usage.get(id)?.[f.key] : undefined;
        return [key, u ? { ...config, usage: u } : config];
      }),
    ),
  }));
}
