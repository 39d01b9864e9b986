// `curtain wait`: blocks until a version of an environment is in effect at every edge location that serves it.
import { Option, type Command } from 'commander';
import { connect, parseDuration, positiveInt, withConnection, withEnv, type ConnectionOpts } from './options';
import { CliError, EXIT, emit, progress } from './output';

/** GET …/propagation (docs/api.md). */
interface Propagation {
  version: number;
  publishedAt: string | null;
  locations: { location: string; isolates: number; appliedIsolates: number; lastAppliedAt: string | null }[];
  applied: { locations: number; isolates: number; ofLocations: number; ofIsolates: number };
  lastAppliedAt: string | null;
}

interface WaitOpts extends ConnectionOpts {
  env: string;
  version?: number;
  timeout: number;
  interval: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;

function describe(p: Propagation, target: number): string {
  if (p.version < target) return `version ${target} is not committed yet (the newest is ${p.version})`;
  return `${p.applied.locations}/${p.applied.ofLocations} locations, ${p.applied.isolates}/${p.applied.ofIsolates} isolates`;
}

async function wait(opts: WaitOpts): Promise<void> {
  const client = connect(opts);
  const path = client.envPath(opts.env, '/propagation');
  const started = Date.now();
  const deadline = started + opts.timeout;
  const line = progress(!opts.json);
  let target = opts.version;
  let last: Propagation | null = null;
  let lastError = '';
  try {
    for (;;) {
      try {
        last = await client.request<Propagation>('GET', path, { timeoutMs: Math.max(1_000, deadline - Date.now()) });
        lastError = '';
      } catch (error) {
        // A worker that is being deployed may answer 5xx or not at all for a moment: keep trying until the deadline.
        const status = (error as CliError).details?.status as number | undefined;
        const transient = (error as CliError).details?.code === 'UNREACHABLE' || (status !== undefined && status >= 500);
        if (!transient) throw error;
        lastError = (error as Error).message.split('\n')[0];
      }
      if (last) {
        target ??= last.version;
        const committed = last.version >= target;
        if (committed && last.applied.ofLocations === 0) {
          line.done();
          return emit(opts, { env: opts.env, version: target, live: true, served: false, propagation: last }, () =>
            `${opts.env}: no location has served it yet, so there is nothing to wait for (version ${target} is what the first request will get)`,
          );
        }
        if (committed && last.applied.locations === last.applied.ofLocations) {
          line.done();
          const p = last;
          return emit(opts, { env: opts.env, version: target, live: true, served: true, seconds: (Date.now() - started) / 1000, propagation: p }, () =>
            `${opts.env}: version ${target} is live at ${p.applied.ofLocations === 1 ? 'the one location that serves' : `all ${p.applied.ofLocations} locations that serve`} it (${seconds(Date.now() - started)})`,
          );
        }
      }
      const now = Date.now();
      const state = last ? describe(last, target!) : lastError;
      if (now >= deadline) {
        line.done();
        throw new CliError(
          `${opts.env}: version ${target ?? '(newest)'} is not live after ${seconds(opts.timeout)}: ${lastError || state}\n  → run \`curtain wait --env ${opts.env}\` again with a longer --timeout, or look at the propagation in the dashboard`,
          EXIT.timeout,
          { code: 'TIMEOUT', version: target, propagation: last },
        );
      }
      line.update(`waiting for version ${target ?? '(newest)'} in ${opts.env}: ${state}`, seconds(now - started));
      await new Promise((r) => setTimeout(r, Math.min(opts.interval, deadline - now)));
    }
  } finally {
    line.done();
  }
}

export function waitCommand(program: Command): void {
  withEnv(withConnection(program.command('wait').description('wait until a version of an environment is in effect at every edge location that serves it')))
    .option('--version <n>', 'the version to wait for (default: the newest)', positiveInt)
    .addOption(new Option('--timeout <duration>', 'give up after this long, with exit code 3 (e.g. 30s, 2m)').argParser((v) => parseDuration(v)).default(30_000, '30s'))
    .addOption(new Option('--interval <duration>', 'how often to ask (e.g. 500ms, 2s)').argParser((v) => parseDuration(v)).default(500, '500ms'))
    .action(wait);
}
