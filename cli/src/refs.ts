// `curtain refs scan DIR`: which flags the code uses, with file and line: OpenFeature calls, --pattern wrappers, and
// literals equal to a key the project has (or to keys given offline).
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CurtainClient } from './client';
import { formatOf, parseDocument } from './files';
import { collect, connect, withConnection, type ConnectionOpts } from './options';
import { CliError, emit, plural, usageError } from './output';
import { OPENFEATURE_CALLS, keysOf, scanTree, userPattern, type Reference } from './scan';

export interface KeySourceOpts {
  /** --key, repeatable */
  key?: string[];
  /** --keys FILE */
  keys?: string;
  /** --pattern REGEX, repeatable */
  pattern?: string[];
}

/** Keys from a file: a flag file (its flags), a JSON/YAML list, or plain text with one key per line. */
export async function keysFromFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!formatOf(file)) return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const doc = parseDocument(text, formatOf(file), file);
  if (Array.isArray(doc) && doc.every((k) => typeof k === 'string')) return doc;
  const flags = (doc as { flags?: unknown } | null)?.flags;
  if (Array.isArray(flags)) return flags.map((f) => (f as { key?: unknown })?.key).filter((k): k is string => typeof k === 'string');
  if (flags && typeof flags === 'object') return Object.keys(flags);
  throw new CliError(`${file} has no flag keys: give a flag file, a list of keys, or a text file with one key per line`);
}

export async function projectKeys(client: CurtainClient): Promise<string[]> {
  const { flags } = await client.call('get', '/projects/{project}/flags');
  return flags.map((f) => f.key);
}

/** Given keys (--key, --keys) when there are any; else, when a client is at hand, the project's flags. */
export async function candidateKeys(opts: KeySourceOpts, client: (() => CurtainClient) | null): Promise<string[]> {
  const given = [...(opts.key ?? []), ...(opts.keys ? await keysFromFile(opts.keys) : [])];
  if (given.length || !client) return given;
  return projectKeys(client());
}

/** OpenFeature's call shapes and the --pattern ones, each checked before anything is read. */
export function callShapes(patterns: string[] = []): RegExp[] {
  return [
    ...OPENFEATURE_CALLS,
    ...patterns.map((p) => {
      try {
        return userPattern(p);
      } catch (error) {
        throw usageError(`--pattern ${JSON.stringify(p)} is not a usable regular expression: ${(error as Error).message}`);
      }
    }),
  ];
}

export async function scanDirectory(dir: string, keys: Iterable<string>, patterns?: string[]): Promise<Reference[]> {
  const calls = callShapes(patterns);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new CliError(`${dir} is not a directory: give the root of the source tree to scan`);
  return scanTree(dir, { keys: new Set(keys), calls });
}

/** The keys found that are not among `known`, each with its first reference. */
export function unknownKeys(refs: Reference[], known: Iterable<string>): Reference[] {
  const have = new Set(known);
  const first = new Map<string, Reference>();
  for (const r of refs) if (!have.has(r.key) && !first.has(r.key)) first.set(r.key, r);
  return [...first.values()].sort((a, b) => a.key.localeCompare(b.key));
}

async function scan(dir: string, opts: ConnectionOpts & KeySourceOpts): Promise<void> {
  const keys = await candidateKeys(opts, () => connect(opts));
  const refs = await scanDirectory(dir, keys, opts.pattern);
  const used = keysOf(refs);
  const unknown = unknownKeys(refs, keys);
  emit(opts, { dir, flags: used, new: unknown.map((r) => r.key), references: refs }, () => [
    ...refs.map((r) => `${r.file}:${r.line}: ${r.key}`),
    used.length ? `${plural(used.length, 'flag')} used in ${plural(refs.length, 'place')}: ${used.join(', ')}` : `no flag keys found in ${dir} (looked for ${plural(keys.length, 'key')} and OpenFeature calls)`,
    ...(unknown.length ? [`not ${opts.key || opts.keys ? 'among the keys given' : 'in the project yet'}: ${unknown.map((r) => r.key).join(', ')}`] : []),
  ]);
}

export const withScanOptions = (cmd: Command) =>
  cmd
    .option('--pattern <regex>', "also find keys in a team's own wrapper: a regular expression whose group `key` (or first group) is the key (repeatable)", collect)
    .option('--keys <file>', 'also look for the keys in this file: a flag file, a JSON/YAML list, or one key per line');

export function refsCommand(program: Command): void {
  const refs = program.command('refs').description('flag references in source code');
  withScanOptions(
    withConnection(
      refs
        .command('scan')
        .description('list the flags a source tree uses: OpenFeature calls (JS/TS, Python, Go, Java, React/Vue/Angular), --pattern wrappers, and literals equal to a flag key')
        .argument('<dir>', 'the source tree'),
    ),
  )
    .option('--key <key>', 'look for this key (repeatable); with --key or --keys no server is needed', collect)
    .addHelpText('after', '\nWithout --key/--keys the keys are the flags of the project (--url, --token, --project). Skipped: node_modules, build output, binaries.')
    .action(scan);
}
