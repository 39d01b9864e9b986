// Flag files (and other documents) on disk: JSON or YAML in, JSON or YAML out, chosen by the file's extension.
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { CliError } from './output';

export type Format = 'json' | 'yaml';

export function formatOf(file: string): Format | null {
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  return null;
}

/** Parses JSON or YAML text; without a known extension, JSON is tried first (YAML is a superset of it anyway). */
export function parseDocument(text: string, format: Format | null, name: string): unknown {
  if (format !== 'yaml') {
    try {
      return JSON.parse(text);
    } catch (error) {
      if (format === 'json') throw new CliError(`${name} is not valid JSON: ${(error as Error).message}`);
    }
  }
  try {
    // YAML 1.2 core schema: `on`/`yes` stay strings, as they are in JSON.
    return parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    throw new CliError(`${name} is not valid YAML${format ? '' : ' or JSON'}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export async function readDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseDocument(text, formatOf(file), file);
}

export function serialize(doc: unknown, format: Format): string {
  return format === 'yaml' ? stringifyYaml(doc, { lineWidth: 0, compat: 'yaml-1.1' }) : JSON.stringify(doc, null, 2) + '\n';
}

export async function writeDocument(file: string, doc: unknown, format: Format = formatOf(file) ?? 'json'): Promise<void> {
  try {
    await writeFile(file, serialize(doc, format));
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
