// The `curtain` command: assembles the command groups, runs one, and turns every outcome into an exit code.
import './node-warnings';
import { Command, CommanderError } from 'commander';
import { changesCommand } from './changes';
import { completionCommand } from './completion';
import { deployCommand } from './deploy';
import { evaluateCommand } from './evaluate';
import { flagsCommand } from './flags';
import { keysCommand } from './keys';
import { loginCommand } from './login';
import { EXIT, redact, registerSecret, reportError } from './output';
import { projectsCommand } from './projects';
import { refsCommand } from './refs';
import { releaseCommand } from './release';
import { tokensCommand } from './tokens';
import { waitCommand } from './wait';

declare const __CURTAIN_VERSION__: string;

/** The token is known before parsing, so that even a usage error cannot echo it. */
function registerTokens(argv: string[]): void {
  registerSecret(process.env.CURTAIN_TOKEN);
  argv.forEach((arg, i) => {
    if (arg === '--token') registerSecret(argv[i + 1]);
    else if (arg.startsWith('--token=')) registerSecret(arg.slice('--token='.length));
  });
}

function program(json: boolean): Command {
  const root = new Command('curtain')
    .description('Curtain from the command line and from CI: flags, flags as code, deployments, releases, keys.\nDocs: docs/cli.md in Curtain\'s repository')
    .version(typeof __CURTAIN_VERSION__ === 'string' ? __CURTAIN_VERSION__ : 'dev', '-V, --version', 'print the version')
    // Program options only before the command: `wait --version N` and `deploy record --version V` are theirs.
    .enablePositionalOptions()
    .exitOverride()
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    .configureOutput({
      writeOut: (s) => process.stdout.write(redact(s)),
      writeErr: (s) => process.stderr.write(redact(s)),
      // With --json every error is one JSON object on stderr, usage errors too.
      outputError: (s, write) => write(json ? JSON.stringify({ error: { message: s.replace(/^error: /, '').trim(), exitCode: EXIT.usage, code: 'USAGE' } }) + '\n' : s),
    })
    .addHelpText(
      'after',
      `
Connection, for every command that talks to a server:
  --url or CURTAIN_URL, --token or CURTAIN_TOKEN (an admin token),
  --project or CURTAIN_PROJECT (default "default"), or a profile saved
  with \`curtain login\` (--profile or CURTAIN_PROFILE).
Exit codes: 0 ok, 1 failed, 2 usage, 3 not done within the timeout,
  4 refused by the dormant-code guard, 5 a running release owns the flag,
  6 a release start would take a feature away, 7 needs --yes/--allow-new,
  8 held for approval (a change request was opened: \`curtain changes wait ID\`),
  9 the change request was rejected or expired.
Add --json to any command for machine-readable output and errors.`,
    );
  if (!json) root.showHelpAfterError('(add --help for usage)');
  for (const add of [flagsCommand, evaluateCommand, deployCommand, refsCommand, releaseCommand, changesCommand, projectsCommand, keysCommand, tokensCommand, waitCommand, loginCommand, completionCommand]) add(root);
  return root;
}

export async function main(argv: string[]): Promise<number> {
  registerTokens(argv);
  const json = argv.includes('--json');
  try {
    await program(json).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(error, { json });
  }
}

process.exitCode = await main(process.argv.slice(2));
