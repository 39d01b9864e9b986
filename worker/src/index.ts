// The worker's entry point: the app for HTTP, the environment channel Durable Object.
// OFREP evaluations, the hot path, skip the router (see docs/performance.md, bench:http).
import { createApp } from './app';
import type { Bindings } from './bindings';
import { EVALUATE_PREFIX, handleEvaluate, requestTarget } from './edge/ofrep-handler';

const app = createApp();

function evaluationFailed(err: unknown): Response {
  console.error('curtain: evaluation failed', err instanceof Error ? err.message : String(err));
  return Response.json({ errorDetails: 'An internal error occurred' }, { status: 500, headers: { 'access-control-allow-origin': '*' } });
}

export default {
  fetch(request, env, ctx) {
    if (request.method === 'POST') {
      const target = requestTarget(request.url);
      // a promise chain rather than async/await: no extra promise or microtask per request
      if (target.path.startsWith(EVALUATE_PREFIX)) {
        try {
          const answer = handleEvaluate(request, target, env, ctx);
          return answer instanceof Promise ? answer.catch(evaluationFailed) : answer;
        } catch (err) {
          return evaluationFailed(err);
        }
      }
    }
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Bindings>;

export { EnvironmentChannel } from './snapshot/channel';
