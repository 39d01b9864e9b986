// Runs the built CLI as a subprocess, as a pipeline would, and collects everything it printed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/curtain.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json) */
  json<T = any>(): T;
}

/** Every output seen by this test file, for the "the token is never printed" checks. */
export const transcript: string[] = [];

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** The environment is only what is given (plus PATH and HOME): CURTAIN_* of the developer's shell do not leak in. */
export function curtain(args: string[], { env = {}, cwd = repoRoot }: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      transcript.push(stdout, stderr);
      resolve({
        code,
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`curtain ${args.join(' ')}: stdout is not JSON (exit ${code})\n${stdout}\n${stderr}`);
          }
        },
      });
    });
  });
}

/** Fails with everything the CLI printed when it did not exit as expected. */
export function expectExit(result: CliResult, code: number): CliResult {
  if (result.code !== code) throw new Error(`expected exit ${code}, got ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  return result;
}
