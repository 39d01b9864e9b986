// `curtain wait`: blocks until nothing serves a version of an environment older than the one asked for: every edge
// location that has served since the change serves it, and locations with no traffic since do not hold it up.
import { Option, type Command } from 'commander';
import type { Propagation } from './api';
import { connect, parseDuration, positiveInt, withConnection, withEnv, type ConnectionOpts } from './options';
import { CliError, EXIT, emit, progress } from './output';

interface WaitOpts extends ConnectionOpts {
  env: string;
  version?: number;
  timeout: number;
  interval: number;
}

/**
 * The propagation bound (docs/architecture.md): an isolate serves nothing older than this after a commit reached the
 * channel, because past 2.5 s it revalidates before it serves. So an isolate still behind this long after the
 * publication has served nothing since: it is idle, and applies the version with its next request.
 */
export const PROPAGATION_BOUND_MS = 5_000;

export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;

export interface Verdict {
  /** nothing serves an older version */
  done: boolean;
  /** locations that have served since the change and apply it, and those with isolates behind that have not served since */
  serving: number;
  idle: number;
  text: string;
}

/** Where the version stands, `now` in the server's clock (its Date header), so that a skewed local clock cannot mislead. */
export function verdict(p: Propagation, target: number, now: number): Verdict {
  if (p.version < target) return { done: false, serving: 0, idle: 0, text: `version ${target} is not at the edge yet (the newest there is ${p.version})` };
  const applied = p.locations.filter((l) => l.appliedIsolates === l.isolates);
  const behind = p.locations.filter((l) => l.appliedIsolates < l.isolates);
  const publishedAt = p.publishedAt ? Date.parse(p.publishedAt) : NaN;
  const pastBound = Number.isFinite(publishedAt) && now - publishedAt >= PROPAGATION_BOUND_MS;
  const text = `${applied.length}/${p.locations.length} locations, ${p.applied.isolates}/${p.applied.ofIsolates} isolates`;
  if (behind.length === 0) return { done: true, serving: applied.length, idle: 0, text };
  return { done: pastBound, serving: applied.length, idle: behind.length, text: pastBound ? text : `${text} (a location still behind ${seconds(PROPAGATION_BOUND_MS)} after the change has had no request since: idle)` };
}

async function wait(opts: WaitOpts): Promise<void> {
  const client = connect(opts);
  const started = Date.now();
  const deadline = started + opts.timeout;
  const line = progress(!opts.json);
  let target = opts.version;
  let last: Propagation | null = null;
  let serverNow = Date.now();
  let lastError = '';
  try {
    for (;;) {
      try {
        last = await client.call('get', '/projects/{project}/environments/{env}/propagation', {
          path: { env: opts.env },
          timeoutMs: Math.max(1_000, deadline - Date.now()),
          onResponse: (res) => {
            const date = Date.parse(res.headers.get('date') ?? '');
            serverNow = Number.isFinite(date) ? date : Date.now(); // whole seconds, rounded down: errs on waiting longer
          },
        });
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
        const v = verdict(last, target, serverNow);
        if (v.done) {
          line.done();
          const p = last;
          const took = (Date.now() - started) / 1000;
          return emit(opts, { env: opts.env, version: target, live: true, served: v.serving > 0, locations: { serving: v.serving, idle: v.idle }, seconds: took, propagation: p }, () =>
            p.locations.length === 0
              ? `${opts.env}: no location has served it yet, so nothing serves an older version (version ${target} is what the first request will get)`
              : `${opts.env}: version ${target} is live: ${v.serving ? `${v.serving === 1 ? 'the one location' : `all ${v.serving} locations`} serving since the change serve${v.serving === 1 ? 's' : ''} it` : 'no location has served since the change'}${v.idle ? `; ${v.idle} idle (no request since the change: ${v.idle === 1 ? 'it applies' : 'they apply'} it with the next)` : ''} (${seconds(took * 1000)})`,
          );
        }
      }
      const now = Date.now();
      const state = last ? verdict(last, target!, serverNow).text : lastError;
      if (now >= deadline) {
        line.done();
        throw new CliError(
          `${opts.env}: version ${target ?? '(newest)'} is not live after ${seconds(opts.timeout)}: ${lastError || state}\n  → run \`curtain wait --env ${opts.env}\` again with a longer --timeout; a version that does not reach the edge at all means the environment's channel is failing (wrangler tail, and the propagation panel in the dashboard)`,
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
  withEnv(withConnection(program.command('wait').description('wait until nothing serves an older version of an environment (locations with no traffic do not hold it up)')))
    .option('--version <n>', 'the version to wait for (default: the newest)', positiveInt)
    .addOption(new Option('--timeout <duration>', 'give up after this long, with exit code 3 (e.g. 30s, 2m)').argParser((v) => parseDuration(v)).default(30_000, '30s'))
    .addOption(new Option('--interval <duration>', 'how often to ask (e.g. 500ms, 2s)').argParser((v) => parseDuration(v)).default(500, '500ms'))
    .action(wait);
}
