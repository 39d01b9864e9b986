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

/** The parts of the last version `readPlain` accepted (module scratch: the hot path allocates nothing). */
const plain = [0, 0, 0];

/**
 * Reads the common "1.2.3" shape (after an optional leading v/V) into `plain` without a regular
 * expression or an allocation; false for anything else (leading zeros, pre-release, build, partial
 * versions…), which the full parser then decides.
 */
function readPlain(s: string): boolean {
  let i = 0;
  const first = s.charCodeAt(0);
  if (first === 118 || first === 86) i = 1;
  let major = 0;
  let minor = 0;
  let value = 0;
  let part = 0;
  let digits = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return false; // leading zero: let the full parser decide
      value = value * 10 + (c - 48);
      if (++digits > 15) return false;
    } else if (c === 46 && digits > 0 && part < 2) {
      if (part === 0) major = value;
      else minor = value;
      part++;
      value = 0;
      digits = 0;
    } else return false;
  }
  if (part !== 2 || digits === 0) return false;
  plain[0] = major;
  plain[1] = minor;
  plain[2] = value;
  return true;
}

function parseUncached(str: string): SemVer | null {
  if (str.length > MAX_LENGTH) return null;
  if (readPlain(str)) return { major: plain[0], minor: plain[1], patch: plain[2], pre: [] };
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

/**
 * The last string `matchVersion` read and its parts when it is a plain "M.m.p" (copied: `plain` is
 * scratch that other reads overwrite). The empty string reads as not plain, so the start state is true.
 */
const last = { raw: '', plain: false, major: 0, minor: 0, patch: 0 };

function matchParsed(raw: unknown, op: string, b: SemVer): boolean | null {
  const a = parseSemVer(raw);
  return a ? matchSemVer(a, op, b) : null;
}

/**
 * The precedence of `raw` against a literal version M.m.p (-1, 0 or 1; `release`: the literal has no pre-release)
 * without the memo or an allocation when `raw` is a plain "M.m.p" string (the common case); NaN when it is not one
 * (the caller takes the general path).
 */
function comparePlain(raw: string, major: number, minor: number, patch: number, release: boolean): number {
  // a context's version is read once for all the flags that compare it (the same string each time)
  if (raw !== last.raw) {
    last.raw = raw;
    last.plain = readPlain(raw);
    last.major = plain[0];
    last.minor = plain[1];
    last.patch = plain[2];
  }
  if (!last.plain) return NaN;
  if (last.major !== major) return last.major < major ? -1 : 1;
  if (last.minor !== minor) return last.minor < minor ? -1 : 1;
  if (last.patch !== patch) return last.patch < patch ? -1 : 1;
  return release ? 0 : 1; // a release follows its pre-releases
}

/** `matchSemVer(parseSemVer(raw), op, b)` for a literal `b`, fast for plain "M.m.p" strings. */
export function matchVersion(raw: unknown, op: string, b: SemVer): boolean | null {
  return versionTest(op, b, null)(raw);
}

/**
 * `matchVersion(·, op, b)` as one function per operator, chosen when the rule is compiled: an evaluation
 * compares numbers and tests the result, with no dispatch on the operator. With a key `k`, the function takes an
 * object and compares its attribute `k` (what `{"sem_ver": [{"var": k}, op, b]}` reads): one closure, whose
 * context holds the literal's parts, is all a chain's condition loads.
 */
export function versionTest(op: string, b: SemVer, k: string | null): (x: unknown) => boolean | null {
  const general = (raw: unknown) => matchParsed(raw, op, b);
  const M = b.major;
  const m = b.minor;
  const p = b.patch;
  const rel = b.pre.length === 0;
  // read here, not by `prop` (see `in` in ops-logic.ts): anything but a string or number answers null
  const at = (x: unknown) => (k === null ? x : x == null ? null : (x as Record<string, unknown>)[k]);
  switch (op) {
    case '>=': return (x) => { const raw = at(x); const c = typeof raw === 'string' ? comparePlain(raw, M, m, p, rel) : NaN; return c === c ? c >= 0 : general(raw); };
    case '>': return (x) => { const raw = at(x); const c = typeof raw === 'string' ? comparePlain(raw, M, m, p, rel) : NaN; return c === c ? c > 0 : general(raw); };
    case '<=': return (x) => { const raw = at(x); const c = typeof raw === 'string' ? comparePlain(raw, M, m, p, rel) : NaN; return c === c ? c <= 0 : general(raw); };
    case '<': return (x) => { const raw = at(x); const c = typeof raw === 'string' ? comparePlain(raw, M, m, p, rel) : NaN; return c === c ? c < 0 : general(raw); };
    case '=': return (x) => { const raw = at(x); const c = typeof raw === 'string' ? comparePlain(raw, M, m, p, rel) : NaN; return c === c ? c === 0 : general(raw); };
    case '!=': return (x) => { const raw = at(x); const c = typeof raw === 'string' ? comparePlain(raw, M, m, p, rel) : NaN; return c === c ? c !== 0 : general(raw); };
    default: return (x) => general(at(x)); // ^ and ~ compare parts: the general path
  }
}

/** The strict form the flagd schema requires for literal versions in a saved rule. */
export function isStrictSemVer(s: string): boolean {
  return FULL.test(s);
}
