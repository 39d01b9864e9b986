#!/usr/bin/env node
// `npx curtain` in a checkout of Curtain: runs the bundled CLI (the curtain-cli package's own bin is dist/curtain.mjs),
// or says how to build it when it is missing (e.g. after --ignore-scripts).
try {
  await import('../dist/curtain.mjs');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('curtain.mjs')) throw error;
  console.error('curtain: the CLI is not built yet: run `npm run build:cli` (npm ci and npm install build it too)');
  process.exitCode = 1;
}
