#!/usr/bin/env node
// The `curtain` bin: runs the bundled CLI, or says how to build it when it is missing (e.g. after --ignore-scripts).
try {
  await import('../dist/curtain.mjs');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('curtain.mjs')) throw error;
  console.error('curtain: the CLI is not built yet: run `npm run build:cli` (npm ci and npm install build it too)');
  process.exitCode = 1;
}
