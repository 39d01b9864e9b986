// `curtain refs scan DIR`: which flags the code uses, with file and line; the keys come from the project or are given.
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CurtainClient } from './client';
import { formatOf, parseDocument } from './files';
import { collect, connect, withConnection, type ConnectionOpts } from './options';
import { CliError, emit, plural } from './output';
import { keysOf, scanTree, type Reference } from './scan';

export interface KeySourceOpts {
  /** --key, repeatable */
  key?: string[];
  /** --keys FILE */
  keys?: string;
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
  const { flags } = await client.request<{ flags: { key: string }[] }>('GET', client.projectPath('/flags'));
  return flags.map((f) => f.key);
}

/** Given keys (--key, --keys) when there are any; else, when a client is at hand, the project's flags. */
export async function candidateKeys(opts: KeySourceOpts, client: (() => CurtainClient) | null): Promise<string[]> {
  const given = [...(opts.key ?? []), ...(opts.keys ? await keysFromFile(opts.keys) : [])];
  if (given.length || !client) return given;
  return projectKeys(client());
}

export async function scanDirectory(dir: string, keys: string[]): Promise<Reference[]> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new CliError(`${dir} is not a directory: give the root of the source tree to scan`);
  return scanTree(dir, keys);
}

async function scan(dir: string, opts: ConnectionOpts & KeySourceOpts): Promise<void> {
  const keys = await candidateKeys(opts, () => connect(opts));
  const refs = await scanDirectory(dir, keys);
  const used = keysOf(refs);
  emit(opts, { dir, flags: used, references: refs }, () => [
    ...refs.map((r) => `${r.file}:${r.line}: ${r.key}`),
    used.length ? `${plural(used.length, 'flag')} used in ${plural(refs.length, 'place')}: ${used.join(', ')}` : `no flag keys found in ${dir} (looked for ${plural(keys.length, 'key')})`,
  ]);
}

export function refsCommand(program: Command): void {
  const refs = program.command('refs').description('flag references in source code');
  withConnection(
    refs
      .command('scan')
      .description("list the string literals in a source tree that equal a flag key (skips node_modules, build output, binaries)")
      .argument('<dir>', 'the source tree'),
  )
    .option('--key <key>', 'look for this key (repeatable); with --key or --keys no server is needed', collect)
    .option('--keys <file>', 'look for the keys in this file: a flag file, a JSON/YAML list, or one key per line')
    .addHelpText('after', '\nWithout --key/--keys the keys are the flags of the project (--url, --token, --project).')
    .action(scan);
}
