// Semantic versions as flagd's `sem_ver` reads them: strict SemVer 2.0, a leading v/V, partial "1" and "1.2".

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** pre-release identifiers; empty for a release */
  pre: (string | number)[];
}

const NUM = '0|[1-9]\\d*';
const PRE_ID = '0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*';
const FULL = new RegExp(
  `^(${NUM})\\.(${NUM})\\.(${NUM})(?:-((?:${PRE_ID})(?:\\.(?:${PRE_ID}))*))?(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?$`,
);
const PARTIAL = /^(\d+)(?:\.(\d+))?$/;
const MAX_LENGTH = 256;

const cache = new Map<string, SemVer | null>();
const CACHE_LIMIT = 8192;

/** The common "1.2.3" shape without a regular expression; undefined for anything else. */
function parsePlain(s: string): SemVer | null | undefined {
  const parts = [0, 0, 0];
  let part = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && parts[part] === 0) return undefined; // leading zero: let the full parser decide
      parts[part] = parts[part] * 10 + (c - 48);
      if (++digits > 15) return undefined;
    } else if (c === 46 && digits > 0 && part < 2) {
      part++;
      digits = 0;
    } else return undefined;
  }
  if (part !== 2 || digits === 0) return undefined;
  return { major: parts[0], minor: parts[1], patch: parts[2], pre: [] };
}

function parseUncached(str: string): SemVer | null {
  if (str.length > MAX_LENGTH) return null;
  const plain = parsePlain(str.charCodeAt(0) === 118 || str.charCodeAt(0) === 86 ? str.slice(1) : str);
  if (plain) return plain;
  const s = str.trim().replace(/^[vV]/, '');
  const m = FULL.exec(s);
  if (m) {
    const major = Number(m[1]);
    const minor = Number(m[2]);
    const patch = Number(m[3]);
    if (major > Number.MAX_SAFE_INTEGER || minor > Number.MAX_SAFE_INTEGER || patch > Number.MAX_SAFE_INTEGER) return null;
    const pre = m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
    return { major, minor, patch, pre };
  }
  const p = PARTIAL.exec(s);
  if (p) return { major: Number(p[1]), minor: p[2] === undefined ? 0 : Number(p[2]), patch: 0, pre: [] };
  return null;
}

/** Parses a version (strings and numbers, like flagd); null when it is not one. Memoised: versions repeat. */
export function parseSemVer(raw: unknown): SemVer | null {
  if (typeof raw !== 'string') {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return null;
    raw = String(raw);
  }
  const str = raw as string;
  let v = cache.get(str);
  if (v === undefined) {
    v = parseUncached(str);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(str, v);
  }
  return v;
}

function compareIds(a: string | number, b: string | number): number {
  const an = typeof a === 'number';
  const bn = typeof b === 'number';
  if (an && bn) return a === b ? 0 : a < b ? -1 : 1;
  if (an) return -1; // numeric identifiers sort before alphanumeric ones
  if (bn) return 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** SemVer precedence: -1, 0 or 1. Build metadata is ignored. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  const ap = a.pre;
  const bp = b.pre;
  if (ap.length === 0 || bp.length === 0) return ap.length === bp.length ? 0 : ap.length === 0 ? 1 : -1;
  for (let i = 0; i < ap.length && i < bp.length; i++) {
    const c = compareIds(ap[i], bp[i]);
    if (c !== 0) return c;
  }
  return ap.length === bp.length ? 0 : ap.length < bp.length ? -1 : 1;
}

export const SEM_VER_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', '^', '~'] as const;

/** flagd's `sem_ver` comparison; null on an unknown operator. */
export function matchSemVer(a: SemVer, op: string, b: SemVer): boolean | null {
  switch (op) {
    case '=': return compareSemVer(a, b) === 0;
    case '!=': return compareSemVer(a, b) !== 0;
    case '<': return compareSemVer(a, b) < 0;
    case '<=': return compareSemVer(a, b) <= 0;
    case '>': return compareSemVer(a, b) > 0;
    case '>=': return compareSemVer(a, b) >= 0;
    case '^': return a.major === b.major;
    case '~': return a.major === b.major && a.minor === b.minor;
    default: return null;
  }
}

/** The strict form the flagd schema requires for literal versions in a saved rule. */
export function isStrictSemVer(s: string): boolean {
  return FULL.test(s);
}
