// Types of cli/build.mjs, for the tests' global setup.
export function buildCli(): Promise<void>;
