// Vitest global setup: the tests run the CLI as shipped, so build cli/dist/curtain.mjs from the current source first.
import { buildCli } from '../build.mjs';

export default async function setup(): Promise<void> {
  await buildCli();
}
