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

/** Each part of a plain version below this fits a key (`plainKey`): three parts in 51 bits, exact as a double. */
const PART = 131072;

/**
 * The common "1.2.3" shape (after an optional leading v/V) as one number that orders as the versions do,
 * M·2^34 + m·2^17 + p, read without a regular expression or an allocation; −1 for anything else (leading zeros,
 * pre-release, build, partial versions, a part of 2^17 or more…), which the full parser then decides.
 */
export function plainKey(s: string): number {
  let i = 0;
  const first = s.charCodeAt(0);
  if (first === 118 || first === 86) i = 1;
  let key = 0;
  let value = 0;
  let part = 0;
  let digits = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return -1; // leading zero: let the full parser decide
      value = value * 10 + (c - 48);
      if (++digits > 6) return -1;
    } else if (c === 46 && digits > 0 && part < 2 && value < PART) {
      key = key * PART + value;
      part++;
      value = 0;
      digits = 0;
    } else return -1;
  }
  return part === 2 && digits > 0 && value < PART ? key * PART + value : -1;
}

/** The key of a literal version when it is a release whose parts fit one (`plainKey`), else −1. */
export function releaseKey(v: SemVer): number {
  return v.pre.length === 0 && v.major < PART && v.minor < PART && v.patch < PART ? (v.major * PART + v.minor) * PART + v.patch : -1;
}

function parseUncached(str: string): SemVer | null {
  if (str.length > MAX_LENGTH) return null;
  const key = plainKey(str);
  if (key >= 0) return { major: Math.floor(key / PART / PART), minor: Math.floor(key / PART) % PART, patch: key % PART, pre: [] };
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
  // a context may send long strings: they are never versions, and the memo must not keep them alive
  if (str.length > MAX_LENGTH) return null;
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

function matchParsed(raw: unknown, op: string, b: SemVer): boolean | null {
  const a = parseSemVer(raw);
  return a ? matchSemVer(a, op, b) : null;
}

/**
 * The keys for which `op` holds against a literal with key `key` (`releaseKey`): a version's key `c` stands as `op`
 * says when `lo <= c < hi`, or, for `!=`, when it does not. Null for `^` and `~`, which compare parts.
 */
export function versionRange(op: string, key: number): [lo: number, hi: number, outside: boolean] | null {
  switch (op) {
    case '>=': return [key, Infinity, false];
    case '>': return [key + 1, Infinity, false];
    case '<=': return [0, key + 1, false];
    case '<': return [0, key, false];
    case '=': return [key, key + 1, false];
    case '!=': return [key, key + 1, true];
    default: return null;
  }
}

/**
 * The last string `versionKey` read and its key: a context's version is read once for all the flags that compare it.
 * The key is kept in a typed array: a key past 2^31 kept in a variable would be a new heap number for every version.
 */
let lastVersion = '';
const lastKey = new Float64Array([-1]);

/** `plainKey(raw)`, remembered for the string read last (the same string for every flag of one context). */
function versionKey(raw: string): number {
  if (raw !== lastVersion) {
    lastVersion = raw;
    lastKey[0] = plainKey(raw);
  }
  return lastKey[0];
}

/**
 * Whether `raw` stands against the literal `b` as `op` says, `[lo, hi, outside]` being `versionRange(op, releaseKey(b))`:
 * a plain version by its key, anything else parsed (null when it is no version). What a VERSION test in a flag's
 * program (condition-data.ts) and the closure of a compiled rule (`versionTest`) both run.
 */
export function versionHolds(raw: unknown, lo: number, hi: number, outside: boolean, op: string, b: SemVer): boolean | null {
  const c = typeof raw === 'string' ? versionKey(raw) : -1;
  return c >= 0 ? (c >= lo && c < hi) !== outside : matchParsed(raw, op, b);
}

/** `matchSemVer(parseSemVer(raw), op, b)` for a literal `b`, fast for plain "M.m.p" strings. */
export function matchVersion(raw: unknown, op: string, b: SemVer): boolean | null {
  return versionTest(op, b, null)(raw);
}

/**
 * `matchVersion(·, op, b)` as one function, made when the rule is compiled: for a plain version against a release, an
 * evaluation compares a key (`plainKey`) with a range (`versionRange`). With an attribute name `k`, the function takes
 * an object and compares its attribute `k` (what `{"sem_ver": [{"var": k}, op, b]}` reads), in one closure.
 */
export function versionTest(op: string, b: SemVer, k: string | null): (x: unknown) => boolean | null {
  // read here, not by `prop` (see `in` in ops-logic.ts): anything but a string or number answers null
  const at = (x: unknown) => (k === null ? x : x == null ? null : (x as Record<string, unknown>)[k]);
  const key = releaseKey(b);
  const range = key < 0 ? null : versionRange(op, key);
  if (range === null) return (x) => matchParsed(at(x), op, b);
  const [lo, hi, outside] = range;
  return (x) => versionHolds(at(x), lo, hi, outside, op, b);
}

/** The strict form the flagd schema requires for literal versions in a saved rule. */
export function isStrictSemVer(s: string): boolean {
  return FULL.test(s);
}
