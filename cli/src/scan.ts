// Finds flag keys in a source tree: string literals ("key", 'key', `key`) equal to a known key, with file and line.
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface Reference {
  key: string;
  /** the scanned directory joined with the file's path inside it, as grep prints it */
  file: string;
  line: number;
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
const LITERAL = /(["'`])([a-zA-Z0-9][a-zA-Z0-9._-]{0,63})\1/g;

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

export function referencesIn(text: string, keys: ReadonlySet<string>, file: string): Reference[] {
  const found: Reference[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(LITERAL)) if (keys.has(m[2])) found.push({ key: m[2], file, line: i + 1 });
  });
  return found;
}

/** Every reference to one of `keys` under `dir`, in path order. */
export async function scanTree(dir: string, keys: Iterable<string>): Promise<Reference[]> {
  const wanted = new Set(keys);
  const found: Reference[] = [];
  if (wanted.size === 0) return found;
  for await (const path of files(dir)) {
    const text = await readText(path);
    if (text !== null) found.push(...referencesIn(text, wanted, path));
  }
  return found;
}

export const keysOf = (refs: Reference[]) => [...new Set(refs.map((r) => r.key))].sort();
