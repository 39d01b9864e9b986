// Save-time worst case of each flag: what one evaluation can cost, in budget units (budget.ts), for the worst
// context the request limits allow. A flag over MAX_FLAG_COST is refused, at the part that makes it so.

import type { JsonValue, ValidationIssue } from './types';
import { isPlainObject } from './rule';
import { regexGrowth, regexSteps } from './regex-backtracking';
import { MAX_REGEX_INPUT_LENGTH } from './safe-regex';
import { CHAR_UNITS, CONTEXT_CHARS, CONTEXT_ELEMENTS, ELEMENT_UNITS, MAX_FLAG_COST, NODE_UNITS, REGEX_STEP_UNITS } from './budget';
import { pointer } from './validate-rule';

/** Strings of the longest length a regex reads that one context can hold: an iteration's regex runs this often at most. */
const LONG_STRINGS = CONTEXT_CHARS / MAX_REGEX_INPUT_LENGTH;
const ITERATIONS = new Set(['map', 'filter', 'all', 'some', 'none', 'reduce']);
/** Operators whose work grows with the length of a string or array from the context (hashing, searching, copying). */
const LINEAR = new Set(['fractional', 'cat', 'substr', 'merge']);

/**
 * A rule's worst case in three parts. `local`: work per evaluation of the node (multiplied by every enclosing
 * iteration); `scan`: regex matches on strings from the data (an iteration runs them for at most LONG_STRINGS
 * strings of the longest length, since they share the context's characters); `global`: work already bounded by
 * the size of the context as a whole (iterations and linear scans of its arrays and strings), which an
 * enclosing iteration over parts of the same context does not multiply.
 */
interface Cost {
  local: number;
  scan: number;
  global: number;
}
const total = (c: Cost) => c.local + c.scan + c.global;

/** The first node, deepest first, whose worst case alone is over the limit, and why. */
interface Culprit {
  path: string;
  message: string;
}

const units = (n: number) =>
  n >= 1e15 ? 'an unbounded number of' : n >= 1e9 ? `${(n / 1e9).toPrecision(3)} billion` : n >= 1e6 ? `${(n / 1e6).toPrecision(3)} million` : String(Math.round(n));
const LIMIT = `the limit of ${units(MAX_FLAG_COST)} units (about ${MAX_FLAG_COST / 1e6} ms of CPU) per flag`;

export interface CostSources {
  flags: Record<string, unknown>;
  evaluators: Record<string, unknown>;
  segments: Record<string, unknown>;
}

/** Computes flags' worst cases over one document (shared rules, segments and prerequisites counted at each use). */
export class FlagCosts {
  private readonly shared = new Map<string, { cost: Cost; culprit: Culprit | null }>();
  private culprit: Culprit | null = null;

  constructor(private readonly src: CostSources) {}

  /** The worst case of the flag's targeting (and of each scheduled phase), and the part that puts it over the limit. */
  flag(key: string): { units: number; culprit: Culprit | null } {
    const r = this.sharedCost(`flags/${key}`, () => this.flagRules(key));
    return { units: total(r.cost), culprit: r.culprit };
  }

  private flagRules(key: string): Cost {
    const def = this.src.flags[key];
    if (!isPlainObject(def)) return zero();
    const at = pointer('/flags', key);
    let worst = this.node(def.targeting ?? null, pointer(at, 'targeting'));
    if (Array.isArray(def.schedule)) {
      def.schedule.forEach((change, i) => {
        if (!isPlainObject(change) || change.targeting === undefined) return;
        const c = this.node(change.targeting, pointer(pointer(pointer(at, 'schedule'), i), 'targeting'));
        if (total(c) > total(worst)) worst = c;
      });
    }
    return worst;
  }

  private sharedCost(id: string, compute: () => Cost): { cost: Cost; culprit: Culprit | null } {
    let r = this.shared.get(id);
    if (r === undefined) {
      const outer = this.culprit;
      this.culprit = null;
      this.shared.set(id, { cost: zero(), culprit: null }); // a cycle counts 0 (cycles are refused)
      const cost = compute();
      r = { cost, culprit: this.culprit };
      this.shared.set(id, r);
      this.culprit = outer ?? r.culprit;
    } else this.culprit ??= r.culprit;
    return r;
  }

  private over(c: Cost, path: string, message: () => string): Cost {
    if (this.culprit === null && total(c) > MAX_FLAG_COST) this.culprit = { path, message: message() };
    return c;
  }

  private node(node: JsonValue | undefined, path: string): Cost {
    if (node === null || node === undefined || typeof node !== 'object') return { local: NODE_UNITS, scan: 0, global: 0 };
    if (Array.isArray(node)) return node.reduce<Cost>((c, x, i) => add(c, this.node(x, pointer(path, i))), { local: NODE_UNITS, scan: 0, global: 0 });
    const keys = Object.keys(node);
    if (keys.length !== 1) return { local: NODE_UNITS, scan: 0, global: 0 };
    const op = keys[0];
    const raw = node[op];
    const at = pointer(path, op);
    const args = Array.isArray(raw) ? raw : [raw];
    const children = (from = 0) => args.slice(from).reduce<Cost>((c, x, i) => add(c, this.node(x, pointer(at, i + from))), { local: NODE_UNITS, scan: 0, global: 0 });
    if (op === '$ref' && typeof raw === 'string') return this.sharedCost(`$evaluators/${raw}`, () => this.node(this.src.evaluators[raw] as JsonValue, pointer('/$evaluators', raw))).cost;
    if (op === 'segment') {
      const name = String(args[0]);
      const seg = this.sharedCost(`segments/${name}`, () => this.node(this.src.segments[name] as JsonValue, pointer('/segments', name))).cost;
      return { local: NODE_UNITS + total(seg), scan: 0, global: 0 };
    }
    if (op === 'prerequisite') return { local: NODE_UNITS + this.flag(String(args[0])).units, scan: 0, global: 0 };
    if (op === 'regex') return this.regex(args, at);
    if (ITERATIONS.has(op)) return this.iteration(op, args, at);
    const c = children();
    if (LINEAR.has(op) || (op === 'in' && !Array.isArray(args[1]))) c.global += CHAR_UNITS * CONTEXT_CHARS;
    if (op === 'var' && args[0] !== null && typeof args[0] === 'object') c.global += CHAR_UNITS * CONTEXT_CHARS;
    return this.over(c, at, () => `this rule can cost up to ${units(total(c))} units per evaluation, over ${LIMIT}`);
  }

  private regex(args: JsonValue[], at: string): Cost {
    const c = this.node(args[0], pointer(at, 0));
    c.local += NODE_UNITS;
    const pattern = args[1];
    if (typeof pattern !== 'string') return c;
    const flags = typeof args[2] === 'string' ? args[2] : '';
    const growth = regexGrowth(pattern, flags.includes('i')) ?? { anchored: false, unbounded: 2, counted: 1 };
    const input = args[0];
    const steps = regexSteps(growth, typeof input === 'string' ? input.length : MAX_REGEX_INPUT_LENGTH);
    if (typeof input === 'string') c.local += REGEX_STEP_UNITS * steps;
    else c.scan += REGEX_STEP_UNITS * steps;
    return this.over(c, pointer(at, 1), () =>
      `this pattern can take up to ${units(steps)} steps (${units(REGEX_STEP_UNITS * steps)} units) on a string of ${MAX_REGEX_INPUT_LENGTH} characters, over ${LIMIT}: ` +
      `${growth.anchored ? '' : 'anchor it with ^ (an unanchored pattern is tried from every position), or '}bound its repetitions, or separate them with a character they cannot match`,
    );
  }

  private iteration(op: string, args: JsonValue[], at: string): Cost {
    const list = this.node(args[0], pointer(at, 0));
    const body = this.node(args[1] ?? null, pointer(at, 1));
    const init = op === 'reduce' ? this.node(args[2] ?? null, pointer(at, 2)) : zero();
    const fan = Array.isArray(args[0]) ? args[0].length : CONTEXT_ELEMENTS;
    const c: Cost = {
      local: NODE_UNITS + list.local + init.local,
      scan: list.scan + init.scan,
      global: list.global + init.global + fan * (ELEMENT_UNITS + body.local) + Math.min(fan, LONG_STRINGS) * body.scan + body.global,
    };
    return this.over(c, at, () =>
      `"${op}" runs its body for each element of an array (a context may hold ${CONTEXT_ELEMENTS.toLocaleString('en')} elements, or ${LONG_STRINGS} strings of ` +
      `${MAX_REGEX_INPUT_LENGTH} characters): up to ${units(total(c))} units per evaluation, over ${LIMIT}; make the body cheaper (a bounded regex, fewer conditions) or test a single attribute`,
    );
  }
}

const zero = (): Cost => ({ local: 0, scan: 0, global: 0 });
const add = (a: Cost, b: Cost): Cost => ({ local: a.local + b.local, scan: a.scan + b.scan, global: a.global + b.global });

/** Issues for the flags whose worst case is over MAX_FLAG_COST, each at the part that makes it so. */
export function checkFlagCosts(src: CostSources, keys: Iterable<string>, issues: ValidationIssue[]): void {
  const costs = new FlagCosts(src);
  const refused = (at: string) => issues.some((i) => i.path === at || i.path.startsWith(`${at}/`));
  for (const key of keys) {
    // a flag already refused for something else (an unsafe pattern…) is not reported twice
    if (refused(pointer('/flags', key))) continue;
    const { units: n, culprit } = costs.flag(key);
    if (n <= MAX_FLAG_COST) continue;
    issues.push(
      culprit && culprit.path.startsWith(pointer('/flags', key))
        ? culprit
        : { path: pointer(pointer('/flags', key), 'targeting'), message: `${culprit ? `it uses ${culprit.path}, where ${culprit.message}` : `its worst case is ${units(n)} units per evaluation, over ${LIMIT}`}` },
    );
  }
}
