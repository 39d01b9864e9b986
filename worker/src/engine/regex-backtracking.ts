// A static bound on how much a regular expression can backtrack, for the save-time regex guard.
//
// A failing match of a backtracking engine tries every way in which consecutive repetitions can share
// the characters they both accept. Repetitions split into runs: a run ends where the pattern requires
// a character that nothing earlier in the run accepts (the `@` of an e-mail pattern), since every
// earlier repetition must stop before it. Within a run the ways multiply: the estimate is, per run,
// the product of the weights of its repetitions, and the pattern's estimate is its worst run.

/** Weights: an unbounded repetition, and the budget per run (two unbounded repetitions fit exactly). */
export const UNBOUNDED_WEIGHT = 128;
export const MAX_BACKTRACKING = UNBOUNDED_WEIGHT * UNBOUNDED_WEIGHT;

/** Sets of UTF-16 code units, approximated: ASCII exactly, everything above as one bucket. */
class CharSet {
  bits = new Uint32Array(4);
  high = false;
  static all(): CharSet {
    const s = new CharSet();
    s.bits.fill(0xffffffff);
    s.high = true;
    return s;
  }
  static of(...ranges: [number, number][]): CharSet {
    const s = new CharSet();
    for (const [a, b] of ranges) s.addRange(a, b);
    return s;
  }
  add(c: number): void {
    if (c < 128) this.bits[c >> 5] |= 1 << (c & 31);
    else this.high = true;
  }
  has(c: number): boolean {
    return (this.bits[c >> 5] & (1 << (c & 31))) !== 0;
  }
  addRange(a: number, b: number): void {
    for (let c = a; c <= Math.min(b, 127); c++) this.add(c);
    if (b >= 128) this.high = true;
  }
  addSet(o: CharSet): void {
    for (let i = 0; i < 4; i++) this.bits[i] |= o.bits[i];
    this.high ||= o.high;
  }
  negate(): void {
    for (let i = 0; i < 4; i++) this.bits[i] = ~this.bits[i];
    this.high = true;
  }
  intersects(o: CharSet): boolean {
    for (let i = 0; i < 4; i++) if ((this.bits[i] & o.bits[i]) !== 0) return true;
    return this.high && o.high;
  }
  /** The `i` flag: a letter matches both cases. */
  foldCase(): void {
    for (let c = 65; c <= 90; c++) {
      if (this.has(c) || this.has(c + 32)) {
        this.add(c);
        this.add(c + 32);
      }
    }
  }
}

const DIGIT = (): CharSet => CharSet.of([48, 57]);
const WORD = (): CharSet => CharSet.of([48, 57], [65, 90], [95, 95], [97, 122]);
const SPACE = (): CharSet => {
  const s = CharSet.of([9, 13], [32, 32]);
  s.high = true; // Unicode spaces
  return s;
};
const not = (s: CharSet): CharSet => (s.negate(), s);

/** One element of a sequence: the characters it accepts, whether it needs one, its weight (1: fixed). */
interface Item {
  set: CharSet;
  mandatory: boolean;
  weight: number;
}

class Parser {
  i = 0;
  constructor(
    readonly p: string,
    readonly ignoreCase: boolean,
    /** the weight of an unbounded repetition */
    readonly unbounded = UNBOUNDED_WEIGHT,
  ) {}

  /** Branches up to the closing parenthesis or the end. */
  alternation(): Item[][] {
    const branches: Item[][] = [[]];
    while (this.i < this.p.length && this.p[this.i] !== ')') {
      if (this.p[this.i] === '|') {
        this.i++;
        branches.push([]);
      } else this.item(branches[branches.length - 1]);
    }
    return branches;
  }

  item(seq: Item[]): void {
    const c = this.p[this.i];
    let set: CharSet | null = null;
    let inner: Item[][] | null = null;
    if (c === '(') {
      this.i += this.p[this.i + 1] !== '?' ? 1 : this.p[this.i + 2] === '<' ? this.p.indexOf('>', this.i) + 1 - this.i : 3;
      inner = this.alternation();
      this.i++;
    } else if (c === '[') set = this.charClass();
    else if (c === '\\') {
      const e = this.escape(false);
      if (e === null) return; // \b, \B: no character
      set = typeof e === 'number' ? CharSet.of([e, e]) : e;
    } else if (c === '^' || c === '$') return void this.i++;
    else {
      this.i++;
      set = c === '.' ? CharSet.all() : CharSet.of([c.charCodeAt(0), c.charCodeAt(0)]);
    }
    const q = quantifier(this.p, this.i);
    this.i += q.length;
    const repeated = q.min !== q.max;
    const weight = q.max === Infinity ? this.unbounded : q.max - q.min + 1;
    if (inner) {
      if (inner.length === 1 && q.length === 0) return void seq.push(...inner[0]);
      // alternatives are tried one after the other, each with its own ways
      const union = new CharSet();
      let ways = 0;
      let needs = true;
      for (const branch of inner) {
        for (const x of branch) union.addSet(x.set);
        ways += branch.reduce((w, x) => w * x.weight, 1);
        needs &&= branch.some((x) => x.mandatory);
      }
      seq.push({ set: union, mandatory: needs && q.min > 0, weight: (repeated ? weight : 1) * ways });
      return;
    }
    if (this.ignoreCase) set!.foldCase();
    seq.push({ set: set!, mandatory: q.min > 0, weight: repeated ? weight : 1 });
  }

  charClass(): CharSet {
    this.i++;
    const set = new CharSet();
    const negated = this.p[this.i] === '^';
    if (negated) this.i++;
    while (this.i < this.p.length && this.p[this.i] !== ']') {
      const lo = this.classAtom();
      if (typeof lo === 'number' && this.p[this.i] === '-' && this.p[this.i + 1] !== ']' && this.i + 1 < this.p.length) {
        this.i++;
        const hi = this.classAtom();
        if (typeof hi === 'number') set.addRange(lo, hi);
        else (set.add(lo), set.add(45), set.addSet(hi));
      } else if (typeof lo === 'number') set.add(lo);
      else set.addSet(lo);
    }
    this.i++;
    if (this.ignoreCase) set.foldCase();
    if (negated) set.negate();
    return set;
  }

  classAtom(): number | CharSet {
    if (this.p[this.i] !== '\\') return this.p.charCodeAt(this.i++);
    return this.escape(true) ?? 8;
  }

  /** After a backslash: a character code, a set, or null for a boundary (outside a class). */
  escape(inClass: boolean): number | CharSet | null {
    const c = this.p[this.i + 1];
    this.i += 2;
    const hex = (n: number): number | null => {
      const h = this.p.slice(this.i, this.i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) return null;
      this.i += n;
      return parseInt(h, 16);
    };
    switch (c) {
      case 'd': return DIGIT();
      case 'D': return not(DIGIT());
      case 'w': return WORD();
      case 'W': return not(WORD());
      case 's': return SPACE();
      case 'S': return not(SPACE());
      case 'b': return inClass ? 8 : null;
      case 'B': return inClass ? 66 : null;
      case 'n': return 10;
      case 't': return 9;
      case 'r': return 13;
      case 'f': return 12;
      case 'v': return 11;
      case 'x': return hex(2) ?? 120;
      case 'u': return hex(4) ?? 117;
      default:
        // \0, octal and control escapes: rare; any character, which can only overestimate
        return c === undefined || /[0-9c]/.test(c) ? CharSet.all() : c.charCodeAt(0);
    }
  }
}

/** `{min, max, length}` of the quantifier at `i` (length 0: none), lazy suffix included. */
function quantifier(p: string, i: number): { min: number; max: number; length: number } {
  const c = p[i];
  let q: { min: number; max: number; length: number };
  if (c === '*') q = { min: 0, max: Infinity, length: 1 };
  else if (c === '+') q = { min: 1, max: Infinity, length: 1 };
  else if (c === '?') q = { min: 0, max: 1, length: 1 };
  else if (c === '{' && /^\{(\d+)(,(\d*))?\}/.test(p.slice(i))) {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i))!;
    const min = Number(m[1]);
    q = { min, max: m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]), length: m[0].length };
  } else return { min: 1, max: 1, length: 0 };
  if (p[i + q.length] === '?') q.length++;
  return q;
}

/** The worst run of one sequence: the product of the weights of repetitions that can share characters. */
function worstRun(seq: Item[]): number {
  let accepted = new CharSet();
  let ways = 1;
  let worst = 1;
  for (const x of seq) {
    const shares = accepted.intersects(x.set);
    if (x.mandatory && !shares) {
      // nothing earlier in the run accepts this character: the run ends before it
      worst = Math.max(worst, ways);
      accepted = new CharSet();
      ways = 1;
    }
    if (x.mandatory || x.weight > 1) accepted.addSet(x.set);
    ways *= x.weight;
  }
  return Math.max(worst, ways);
}

/**
 * The estimated backtracking of `pattern` (a valid pattern without backreferences or lookaround):
 * compare with MAX_BACKTRACKING. Weights: UNBOUNDED_WEIGHT for `*`, `+` and `{n,}`, the number of
 * counts for `{n,m}`, 2 for `?`, the ways of each alternative added up for a group of alternatives.
 */
export function backtrackingOf(pattern: string, ignoreCase: boolean): number {
  try {
    const parser = new Parser(pattern, ignoreCase);
    const branches = parser.alternation();
    return Math.max(...branches.map(worstRun));
  } catch {
    return Infinity;
  }
}

/**
 * How a pattern's worst failing match grows with the input's length L: `(anchored ? 1 : L) × L^unbounded × counted`
 * steps, where `unbounded` and `counted` are the unbounded repetitions and the other ways of its worst run
 * (a backtracking engine tries each start position of an unanchored pattern). Measured in V8 on 1,024
 * characters, one step is at most about a nanosecond (docs/limits.md).
 */
export interface RegexGrowth {
  anchored: boolean;
  unbounded: number;
  counted: number;
}

/** The growth of `pattern` (valid, checked by safe-regex.ts), or null when it cannot be read. */
export function regexGrowth(pattern: string, ignoreCase: boolean): RegexGrowth | null {
  const worst = (w: number): number => {
    try {
      return Math.max(...new Parser(pattern, ignoreCase, w).alternation().map(worstRun));
    } catch {
      return Infinity;
    }
  };
  const a = worst(1024);
  const b = worst(1024 * 1024);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  const unbounded = Math.max(0, Math.round(Math.log(b / a) / Math.log(1024)));
  // anchored: every top-level alternative starts with ^ (here: one alternative, starting with ^)
  const anchored = pattern.startsWith('^') && !topLevelAlternation(pattern);
  return { anchored, unbounded, counted: Math.max(1, a / 1024 ** unbounded) };
}

/** Steps of a failing match on `length` characters. */
export function regexSteps(g: RegexGrowth, length: number): number {
  const n = Math.max(1, length);
  return (g.anchored ? 1 : n) * n ** g.unbounded * g.counted;
}

function topLevelAlternation(p: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}
