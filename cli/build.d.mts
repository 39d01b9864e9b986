// Types of cli/build.mjs, for the tests' global setup.
export const outfile: string;
export function buildCli(): Promise<void>;
