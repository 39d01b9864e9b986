// The worker's entry point: the app for HTTP, the environment channel Durable Object.
import { createApp } from './app';
import type { Bindings } from './bindings';

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings>;

export { EnvironmentChannel } from './snapshot/channel';
