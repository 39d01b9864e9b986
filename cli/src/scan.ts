// Finds flag keys in a source tree, with file and line: OpenFeature evaluation calls in JS/TS, Python, Go and Java
// (and the React, Vue and Angular SDKs' hooks and directives), a team's own wrappers (--pattern), and string literals
// equal to a key the project already has.
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface Reference {
  key: string;
  /** the scanned directory joined with the file's path inside it, as grep prints it */
  file: string;
  line: number;
  /** an OpenFeature call shape, a --pattern, or a literal equal to a known key */
  how: 'openfeature' | 'pattern' | 'literal';
}

/** Dependencies, build output, caches and version control: not the code being deployed. */
const SKIPPED_DIRS = new Set([
  'node_modules', 'bower_components', 'jspm_packages', 'vendor', '.git', '.hg', '.svn',
  'dist', 'build', 'out', 'coverage', '.next', '.nuxt', '.svelte-kit', '.wrangler', '.turbo', '.cache',
  'target', '__pycache__', '.venv', 'venv', '.terraform',
]);
/** Minified bundles, source maps and lock files are build output or data, not code that names a flag. */
const SKIPPED_FILES = /(\.min\.[cm]?js|\.map|\.lock|-lock\.json|\.lockb)$/i;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const SNIFF_BYTES = 8 * 1024;
// A key is `^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$` (docs/api.md): no escapes, so a literal is quote, key, same quote.
const KEY = '[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}';
const WHOLE_KEY = new RegExp(`^${KEY}$`);
const LITERAL = new RegExp(`(["'\`])(${KEY})\\1`, 'g');
const quoted = (q = `["'\`]`) => `(${q})(?<key>${KEY})\\k<q>`.replace('(', '(?<q>');

/**
 * OpenFeature's evaluation call shapes, the key in the group `key`. Whitespace includes line breaks: a call may
 * spread over lines.
 */
export const OPENFEATURE_CALLS: RegExp[] = [
  // JS/TS, Java, Kotlin, C#: client.getBooleanValue('key', …), getStringDetails, getIntegerValue, GetBooleanValueAsync…
  new RegExp(`\\b[gG]et(?:Boolean|String|Number|Integer|Double|Float|Object)(?:Value|Details)(?:Async)?\\s*(?:<[^>()]*>\\s*)?\\(\\s*${quoted()}`, 'g'),
  // Python: client.get_boolean_value("key", …), get_string_details(flag_key="key", …)
  new RegExp(`\\bget_(?:boolean|string|integer|float|object)_(?:value|details)\\s*\\(\\s*(?:flag_key\\s*=\\s*)?${quoted(`["']`)}`, 'g'),
  // Go: client.BooleanValue(ctx, "key", …), StringValueDetails(context.Background(), "key", …)
  new RegExp(`\\b(?:Boolean|String|Int|Float|Object)Value(?:Details)?\\s*\\(\\s*[^,()]*(?:\\([^()]*\\))?\\s*,\\s*${quoted('["`]')}`, 'g'),
  // React and Vue SDKs: useFlag('key', …), useSuspenseFlag, useBooleanFlagValue, useStringFlagDetails…
  new RegExp(`\\buse(?:Suspense)?(?:Boolean|String|Number|Object)?Flag(?:Value|Details)?\\s*(?:<[^>()]*>\\s*)?\\(\\s*${quoted()}`, 'g'),
  // Angular SDK: *booleanFeatureFlag="'key'; default: true", [featureFlag]="'key'"
  new RegExp(`(?:\\*(?:boolean|string|number|object)FeatureFlag|\\[?(?:boolean|string|number|object)?[fF]eatureFlag\\]?)\\s*=\\s*"\\s*${quoted(`'`)}`, 'g'),
];

/** A team's own wrapper as a regular expression: the key is its group `key`, else its first group. */
export function userPattern(source: string): RegExp {
  const re = new RegExp(source, 'g'); // throws SyntaxError on a bad pattern: the caller reports it
  // a pattern's number of groups: an alternative that matches the empty string fills none of them
  if (new RegExp(`${source}|`).exec('')!.length < 2) throw new SyntaxError('it has no capturing group: put the key in one, e.g. isOn\\(["\'](.+?)["\']');
  return re;
}

/** Reads a file when it is text of a reasonable size; binaries (a NUL byte early on) and huge files give null. */
async function readText(path: string): Promise<string | null> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_FILE_BYTES) return null;
    const buffer = Buffer.alloc(size);
    await handle.read(buffer, 0, size, 0);
    if (buffer.subarray(0, SNIFF_BYTES).includes(0)) return null;
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

async function* files(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // Symbolic links are not followed: they can loop, or lead out of the tree being deployed.
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* files(path);
    } else if (entry.isFile() && !SKIPPED_FILES.test(entry.name)) yield path;
  }
}

export interface ScanRules {
  /** keys whose string literals count wherever they appear */
  keys: ReadonlySet<string>;
  /** call shapes whose key counts even when the project does not have it yet */
  calls: RegExp[];
}

export function referencesIn(text: string, rules: ScanRules, file: string): Reference[] {
  const found = new Map<string, Reference>();
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (index: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const add = (key: string, index: number, how: Reference['how']) => {
    const line = lineOf(index);
    const id = `${line}\0${key}`;
    if (!found.has(id) || how !== 'literal') found.set(id, { key, file, line, how });
  };
  if (rules.keys.size) for (const m of text.matchAll(LITERAL)) if (rules.keys.has(m[2])) add(m[2], m.index! + 1, 'literal');
  for (const re of rules.calls) {
    for (const m of text.matchAll(re)) {
      const key = m.groups?.key ?? m[1];
      if (!key || !WHOLE_KEY.test(key)) continue;
      add(key, m.index! + m[0].lastIndexOf(key), OPENFEATURE_CALLS.includes(re) ? 'openfeature' : 'pattern');
    }
  }
  return [...found.values()].sort((a, b) => a.line - b.line || a.key.localeCompare(b.key));
}

/** Every reference under `dir`, in path order. */
export async function scanTree(dir: string, rules: ScanRules): Promise<Reference[]> {
  const found: Reference[] = [];
  for await (const path of files(dir)) {
    const text = await readText(path);
    if (text !== null) found.push(...referencesIn(text, rules, path));
  }
  return found;
}

export const keysOf = (refs: Reference[]) => [...new Set(refs.map((r) => r.key))].sort();
