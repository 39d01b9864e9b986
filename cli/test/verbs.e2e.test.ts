// The verbs people reach for first, against a real local Curtain: projects and environments, flags one at a time
// (with the dormant-code guard, a running release and a protected environment), evaluate, login profiles, completion.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';
import { curtain as run, expectExit, transcript } from './run-cli';

let server: RunningCurtain;
let dir: string;
let env: Record<string, string>;
const curtain = (args: string[], extraEnv: Record<string, string | undefined> = {}) => run(args, { env: { ...env, ...extraEnv } });
const dev = ['--env', 'development'];

async function ofrepValue(key: string, targetingKey: string): Promise<unknown> {
  const res = await fetch(`${env.CURTAIN_URL}/ofrep/v1/evaluate/flags/${key}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey } }),
  });
  return ((await res.json()) as { value?: unknown }).value;
}

beforeAll(async () => {
  server = await startCurtain();
  dir = await mkdtemp(join(tmpdir(), 'curtain-cli-verbs-'));
  env = { CURTAIN_URL: new URL(server.apiUrl).origin, CURTAIN_TOKEN: server.adminToken, CURTAIN_CONFIG: join(dir, 'profiles.json') };
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('projects and envs', () => {
  it('lists and creates projects; a new one has three environments, production protected', async () => {
    expect(expectExit(await curtain(['projects', 'list', '--json']), 0).json().projects.map((p: { key: string }) => p.key)).toEqual(['default']);
    const created = expectExit(await curtain(['projects', 'create', 'shop', '--json']), 0).json();
    expect(created).toMatchObject({ key: 'shop', name: 'Shop' });
    const envs = expectExit(await curtain(['envs', 'list', '--project', 'shop', '--json']), 0).json();
    expect(envs.environments.map((e: { key: string; protected: boolean }) => [e.key, e.protected])).toEqual([['development', false], ['staging', false], ['production', true]]);
    const again = expectExit(await curtain(['projects', 'create', 'shop']), 1);
    expect(again.stderr).toContain('[CONFLICT]');
  });

  it('creates an environment', async () => {
    expect(expectExit(await curtain(['envs', 'create', 'qa', '--project', 'shop', '--name', 'QA']), 0).stdout).toContain('created environment qa ("QA") in project shop');
    expect(expectExit(await curtain(['envs', 'list', '--project', 'shop']), 0).stdout).toMatch(/^qa\s+QA\s+\d+\s*$/m);
  });
});

describe('flags one at a time', () => {
  it('creates flags, off everywhere, and lists and gets them', async () => {
    const flag = expectExit(await curtain(['flags', 'create', 'checkout-v2', '--description', 'The new checkout', '--tag', 'payments', '--json']), 0).json();
    expect(flag).toMatchObject({ key: 'checkout-v2', type: 'boolean', description: 'The new checkout', tags: ['payments'], environments: { development: { state: 'DISABLED' } } });
    const banner = expectExit(await curtain(['flags', 'create', 'banner', '--variant', 'plain="Welcome"', '--variant', 'pro=Welcome back', '--client-visible', '--json']), 0).json();
    expect(banner).toMatchObject({ type: 'string', variants: { plain: 'Welcome', pro: 'Welcome back' }, clientVisible: true });
    expect(expectExit(await curtain(['flags', 'list']), 0).stdout).toMatch(/^checkout-v2\s+boolean\s+off\s+off\s+off\s+payments$/m);
    expect(expectExit(await curtain(['flags', 'get', 'checkout-v2', ...dev]), 0).stdout).toBe('checkout-v2 (boolean): The new checkout\n  tags: payments\n  variants: on=true, off=false\n  development: off\n');
  });

  it('switches a flag on and off, served over OFREP, and says when there is nothing to change', async () => {
    expect(expectExit(await curtain(['flags', 'on', 'checkout-v2', ...dev]), 0).stdout).toContain('checkout-v2 is on in development: on, serves "on"');
    expect(await ofrepValue('checkout-v2', 'u1')).toBe(true);
    expect(expectExit(await curtain(['flags', 'on', 'checkout-v2', ...dev]), 0).stdout).toContain('checkout-v2 is already on in development');
    expect(expectExit(await curtain(['flags', 'off', 'checkout-v2', ...dev]), 0).stdout).toContain('checkout-v2 is off in development: off');
    expect(await ofrepValue('checkout-v2', 'u1')).toBeUndefined(); // DISABLED: the code default
  });

  it('asks for --yes in a protected environment (exit 7) and writes nothing until given', async () => {
    const refused = expectExit(await curtain(['flags', 'on', 'checkout-v2', '--env', 'production']), 7);
    expect(refused.stderr).toBe('curtain: production is protected: switching checkout-v2 on there changes it from off to on, serves "on" for every user.\n  → nothing was changed: pass --yes to go ahead\n');
    expect(expectExit(await curtain(['flags', 'get', 'checkout-v2', '--env', 'production', '--json']), 0).json().environments.production.state).toBe('DISABLED');
    expectExit(await curtain(['flags', 'on', 'checkout-v2', '--env', 'production', '--yes']), 0);
    expectExit(await curtain(['flags', 'off', 'checkout-v2', '--env', 'production', '--yes']), 0);
  });

  it('keeps the dormant-code guard: exit 4 where a recorded deployment does not use the flag, --force passes', async () => {
    expectExit(await curtain(['deploy', 'record', '--env', 'staging', '--version', '1.0.0', '--flag', 'banner']), 0);
    const refused = expectExit(await curtain(['flags', 'on', 'checkout-v2', '--env', 'staging']), 4);
    expect(refused.stderr).toContain('[DORMANT_CODE]');
    expect(refused.stderr).toContain('→ no recorded deployment in this environment uses checkout-v2');
    expectExit(await curtain(['flags', 'on', 'checkout-v2', '--env', 'staging', '--force']), 0);
  });

  it('keeps a running release: exit 5 with the ways forward, and --release-action kill ends it with the switch', async () => {
    expectExit(await curtain(['release', 'create', 'co', ...dev, '--flag', 'checkout-v2', '--steps', '50:1h,100']), 0);
    expectExit(await curtain(['release', 'start', 'co', ...dev]), 0);
    expect(expectExit(await curtain(['flags', 'list', ...dev]), 0).stdout).toMatch(/^checkout-v2\s+boolean\s+release co: rolling out 50%/m);
    const refused = expectExit(await curtain(['flags', 'off', 'checkout-v2', ...dev]), 5);
    expect(refused.stderr).toContain("Flag 'checkout-v2' is in release 'co' (rolling out, 50 %) in environment 'development'");
    expect(refused.stderr).toContain('[RELEASE_OWNS_FLAG]\n  → a running release decides this flag here: end it together with this change (--release-action rollback, or kill)');
    const json = JSON.parse(expectExit(await curtain(['flags', 'off', 'checkout-v2', ...dev, '--json']), 5).stderr);
    expect(json.error).toMatchObject({ code: 'RELEASE_OWNS_FLAG', exitCode: 5, release: { key: 'co', state: 'rolling_out', percent: 50 }, waysForward: ['rollback', 'kill', 'finish'] });
    expect(expectExit(await curtain(['flags', 'off', 'checkout-v2', ...dev, '--release-action', 'kill']), 0).stdout).toContain('(release co ended: kill)');
    const status = expectExit(await curtain(['release', 'status', 'co', ...dev]), 0).stdout;
    expect(status).toContain('ended (killed');
    expect(status).toContain('    checkout-v2: off');
  });
});

describe('evaluate', () => {
  beforeAll(async () => {
    const file = join(dir, 'banner.json');
    const targeting = { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'pro', null] };
    await writeFile(file, JSON.stringify({ flags: { banner: { state: 'ENABLED', variants: { plain: 'Welcome', pro: 'Welcome back' }, defaultVariant: 'plain', targeting } } }));
    expectExit(await curtain(['flags', 'push', file, ...dev]), 0);
  });

  it('answers as the edge does, with the rule that matched', async () => {
    expect(expectExit(await curtain(['evaluate', 'banner', ...dev, '--attr', 'targetingKey=u1', '--attr', 'plan=pro']), 0).stdout).toBe(
      'banner in development: "Welcome back" (variant "pro")\n  reason: TARGETING_MATCH\n  matched: rule 1 of the flag\'s targeting\n',
    );
    const json = expectExit(await curtain(['evaluate', 'banner', ...dev, '--context', '{"targetingKey":"u2","plan":"free"}', '--json']), 0).json();
    expect(json).toMatchObject({ key: 'banner', value: 'Welcome', variant: 'plain', reason: 'DEFAULT', matched: { branch: null }, context: { targetingKey: 'u2', plan: 'free' } });
  });

  it('answers every flag without a key, and refuses a context that is not a JSON object', async () => {
    expect(expectExit(await curtain(['evaluate', ...dev, '--targeting-key', 'u1']), 0).stdout).toMatch(/^banner\s+"Welcome"\s+plain\s+DEFAULT\s+-$/m);
    expect(expectExit(await curtain(['evaluate', 'banner', ...dev, '--context', '[1]']), 2).stderr).toBe(`curtain: --context is a JSON object, e.g. '{"targetingKey":"u1","plan":"pro"}'\n`);
  });
});

describe('login and profiles', () => {
  const bare = { CURTAIN_URL: undefined, CURTAIN_TOKEN: undefined };
  /** login reads the token from stdin, which run-cli closes: spawned here with the token as input. */
  const login = (args: string[], token: string) =>
    spawnSync(process.execPath, [fileURLToPath(new URL('../bin/curtain.mjs', import.meta.url)), 'login', ...args, '--token-stdin'], {
      input: token,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dir, CURTAIN_CONFIG: env.CURTAIN_CONFIG },
    });

  it('checks the token, saves the profile in a file only its owner can read, and uses it by default', async () => {
    const refused = login(['--url', env.CURTAIN_URL], 'not-the-token\n');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('[UNAUTHENTICATED]');
    await expect(stat(env.CURTAIN_CONFIG)).rejects.toThrow();

    const saved = login(['--url', `${env.CURTAIN_URL}/api/v1`], `${server.adminToken}\n`);
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toContain(`saved profile "default" (${env.CURTAIN_URL}, project default) in ${env.CURTAIN_CONFIG}, readable only by you`);
    expect(saved.stdout).not.toContain(server.adminToken);
    expect((await stat(env.CURTAIN_CONFIG)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(env.CURTAIN_CONFIG, 'utf8'))).toEqual({ default: 'default', profiles: { default: { url: env.CURTAIN_URL, token: server.adminToken } } });

    const flags = expectExit(await curtain(['flags', 'list', '--json'], bare), 0).json();
    expect(flags.flags.map((f: { key: string }) => f.key)).toContain('checkout-v2');
  });

  it('uses a named profile with --profile, and says which exist when it is unknown', async () => {
    const shop = login(['--profile', 'shop', '--project', 'shop', '--url', env.CURTAIN_URL], server.adminToken);
    expect(shop.status, shop.stderr).toBe(0);
    expect(expectExit(await curtain(['flags', 'list', '--profile', 'shop', '--json'], bare), 0).json().flags).toEqual([]);
    expect(expectExit(await curtain(['profiles', '--json'], bare), 0).json().profiles).toEqual([
      { name: 'default', url: env.CURTAIN_URL, project: 'default', default: true },
      { name: 'shop', url: env.CURTAIN_URL, project: 'shop', default: false },
    ]);
    const unknown = expectExit(await curtain(['flags', 'list', '--profile', 'nope'], bare), 2);
    expect(unknown.stderr).toBe(`curtain: no profile "nope" in ${env.CURTAIN_CONFIG}: the profiles are default, shop\n  → save it with \`curtain login --profile nope --url URL\`\n`);
  });
});

describe('completion', () => {
  it('prints a bash script that completes commands, subcommands and options', async () => {
    const script = expectExit(await curtain(['completion', 'bash']), 0).stdout;
    const complete = (words: string[]) =>
      spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _curtain; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).stdout.trim();
    expect(complete(['curtain', 'fl'])).toBe('flags');
    expect(complete(['curtain', 'flags', 'pu'])).toBe('push pull');
    expect(complete(['curtain', 'release', 'start', 'co', '--ack'])).toBe('--acknowledge-loss');
    expect(complete(['curtain', 'changes', ''])).toBe('list show approve reject apply wait');
    expect(complete(['curtain', 'changes', 'wait', 'abc', '--ap'])).toBe('--apply');
    expect(complete(['curtain', 'envs', 'pro'])).toBe('protect');
    expect(complete(['curtain', 'tokens', 'create', '--r'])).toBe('--role');
    const zsh = expectExit(await curtain(['completion', 'zsh']), 0).stdout;
    expect(zsh).toContain('bashcompinit');
    expect(zsh).toContain('complete -o default -F _curtain curtain');
    expectExit(await curtain(['completion', 'fish']), 2);
  });
});

describe('secrets', () => {
  it('never printed the admin token', () => {
    expect(transcript.join('\n')).not.toContain(server.adminToken);
  });
});
