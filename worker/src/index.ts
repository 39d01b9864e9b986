// The worker's entry point: the app for HTTP, the webhook queue's consumer, the Durable Objects (environment channel,
// release clock, stream relay).
// OFREP evaluations, the hot path, skip the router (see docs/performance.md, bench:http).
import { createApp } from './app';
import type { Bindings } from './bindings';
import { deliverBatch } from './webhooks/deliver';
import { pumpEvents, type QueueMessage } from './webhooks/outbox';
import { openDb } from './store/db';
import { EVALUATE_PREFIX, evaluationFailed, handleEvaluate, requestTarget } from './edge/ofrep-handler';

const app = createApp();

export default {
  fetch(request, env, ctx) {
    if (request.method === 'POST') {
      const target = requestTarget(request.url);
      // a promise chain rather than async/await: no extra promise or microtask per request
      if (target.path.startsWith(EVALUATE_PREFIX)) {
        try {
          const answer = handleEvaluate(request, target, env, ctx);
          // the path, so that the 500 names the flag asked for
          return answer instanceof Promise ? answer.catch((err) => evaluationFailed(err, target.path)) : answer;
        } catch (err) {
          return evaluationFailed(err, target.path);
        }
      }
    }
    return app.fetch(request, env, ctx);
  },
  // webhook deliveries, handed over by the outbox (webhooks/outbox.ts)
  queue: (batch, env) => deliverBatch(batch, env),
  // the outbox's sweep (wrangler.toml's cron): a delivery the queue lost is handed over again even when nothing is written
  scheduled: (_controller, env, ctx) => ctx.waitUntil(pumpEvents(env, openDb(env.DB))),
} satisfies ExportedHandler<Bindings, QueueMessage>;

export { EnvironmentChannel } from './snapshot/channel';
export { ReleaseClock } from './schedule/release-clock';
export { StreamRelay } from './snapshot/relay';
