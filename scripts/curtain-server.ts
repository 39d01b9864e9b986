// For tests: starts Curtain with scripts/start.mjs in a fresh state directory and stops it with its whole process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What start.mjs prints on its `curtain:ready` line. */
export interface CurtainReady {
  dashboardUrl: string;
  apiUrl: string;
  ofrepUrl: string;
  adminToken: string;
  /** a server SDK key for the default project's development environment */
  sdkKey: string;
}

export interface RunningCurtain extends CurtainReady {
  stop(): Promise<void>;
  /** everything the server printed, for failure messages */
  output(): string;
}

const READY = 'curtain:ready ';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export async function startCurtain({ timeoutMs = 90_000 } = {}): Promise<RunningCurtain> {
  const stateDir = await mkdtemp(join(tmpdir(), 'curtain-e2e-'));
  const port = await freePort();
  const child = spawn(join(repoRoot, 'node_modules/.bin/node'), [join(repoRoot, 'scripts/start.mjs'), '--no-build'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CURTAIN_PORT: String(port),
      CURTAIN_STATE_DIR: stateDir,
      CURTAIN_ADMIN_TOKEN: `e2e-${randomBytes(16).toString('hex')}`,
      WRANGLER_SEND_METRICS: 'false'
    }
  });
  let output = '';
  const stop = async () => {
    await killGroup(child);
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    const ready = await new Promise<CurtainReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${READY.trim()} line within ${timeoutMs} ms`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.startsWith(READY));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line.slice(READY.length)) as CurtainReady);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`start.mjs exited with ${code} before it was ready`));
      });
    });
    return { ...ready, stop, output: () => output };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- start.mjs output ---\n${output}`);
  }
}

async function killGroup(child: ChildProcess) {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // the group is already gone
    }
  };
  signal('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  // workerd children may outlive start.mjs: make sure nothing of the group is left behind
  signal('SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
