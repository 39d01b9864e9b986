// Save-time checks of one targeting rule: operators, arities and literal arguments, with JSON-pointer paths.

import type { JsonValue, ValidationIssue } from './types';
import { OPERATORS } from './compile-rule';
import { isStrictSemVer, SEM_VER_OPERATORS } from './sem-ver';
import { checkRegex } from './safe-regex';
import { toInstant } from './date-time';
import { parseCidr } from './ip';
import { isPlainObject } from './rule';

/** What a rule refers to, collected for the flag-set checks (existence, cycles, variant names, size). */
export interface RuleReferences {
  refs: { name: string; path: string }[];
  segments: { name: string; path: string }[];
  prerequisites: { flag: string; variants: string[]; path: string }[];
  /** literal values the rule can return, each naming a variant */
  results: { value: string; path: string }[];
  /** JSON nodes of the rule itself, before `$ref`, segments and prerequisites are expanded */
  size: number;
}

export function emptyReferences(): RuleReferences {
  return { refs: [], segments: [], prerequisites: [], results: [], size: 0 };
}

export const MAX_RULE_DEPTH = 64;

/** [min, max] argument counts, following flagd's targeting schema (and JsonLogic for `?:`). */
const ARITY: Record<string, [number, number]> = {
  '==': [2, 2], '===': [2, 2], '!=': [2, 2], '!==': [2, 2], '>': [2, 2], '>=': [2, 2],
  '<': [2, 3], '<=': [2, 3], '%': [2, 2], '/': [2, 2], '*': [2, Infinity], '+': [1, Infinity], '-': [1, 2],
  min: [1, Infinity], max: [1, Infinity], '!': [1, 1], '!!': [1, 1], and: [1, Infinity], or: [1, Infinity],
  if: [1, Infinity], '?:': [3, 3], in: [2, 2], cat: [1, Infinity], substr: [2, 3], merge: [1, Infinity],
  map: [2, 2], filter: [2, 2], all: [2, 2], none: [2, 2], some: [2, 2], reduce: [3, 3],
  starts_with: [2, 2], ends_with: [2, 2], sem_ver: [3, 3],
  segment: [1, 1], prerequisite: [2, 2], regex: [2, 3], before: [1, 2], after: [1, 2], ip_in: [2, 2],
};
/** flagd's own operators: bad arguments make them answer null at run time, so they are warnings. */
const FLAGD_OPERATORS = new Set(['starts_with', 'ends_with', 'sem_ver']);
/** Operators whose single argument may be written without the array. */
const UNARY_SUGAR = new Set(['!', '!!', 'segment', 'before', 'after']);

const isLiteral = (x: JsonValue): boolean => x === null || (typeof x !== 'object' && (typeof x !== 'number' || Number.isFinite(x)));

const pointer = (path: string, key: string | number): string => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * Two kinds of issue. `issues` are fatal: shapes that flagd's own schema refuses and Curtain cannot
 * store or evaluate safely. `warnings` are Curtain's stricter checks on rules that flagd still loads
 * and evaluates (an unknown operator, bad arguments to flagd's operators, partial versions, negative
 * weights…): refused when typed in Curtain, accepted with a report from a flagd file. When both
 * arrays are the same array, every check is fatal (the strict mode).
 */
class RuleChecker {
  constructor(
    readonly issues: ValidationIssue[],
    readonly warnings: ValidationIssue[],
    readonly refs: RuleReferences,
  ) {}

  fail(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }

  /** Any argument: a literal, an array of arguments, or an operation. */
  arg(node: JsonValue, path: string, depth: number, isResult: boolean): void {
    if (depth > MAX_RULE_DEPTH) return this.fail(path, `rule nested deeper than ${MAX_RULE_DEPTH} levels`);
    this.refs.size++;
    if (node === null || typeof node !== 'object') {
      if (isResult && node !== null) this.refs.results.push({ value: String(node), path });
      if (typeof node === 'number' && !Number.isFinite(node)) this.fail(path, 'numbers must be finite');
      return;
    }
    if (Array.isArray(node)) {
      // a list of literals (`in`'s usual second argument) is one node: it is evaluated at once
      if (node.every(isLiteral)) return;
      node.forEach((x, i) => this.arg(x, pointer(path, i), depth + 1, false));
      return;
    }
    this.operation(node, path, depth, isResult);
  }

  operation(node: Record<string, JsonValue>, path: string, depth: number, isResult: boolean): void {
    const keys = Object.keys(node);
    if (keys.length === 0) return;
    if (keys.length > 1) return this.fail(path, `an operation has exactly one operator; found ${keys.map((k) => `"${k}"`).join(', ')}`);
    const op = keys[0];
    const raw = node[op];
    const at = pointer(path, op);
    if (op === '$ref') {
      if (typeof raw !== 'string' || raw === '') return this.fail(at, '$ref must name a shared rule in $evaluators');
      this.refs.refs.push({ name: raw, path: at });
      return;
    }
    // flagd loads it and fails this flag's evaluation (PARSE_ERROR): a warning, the rest is not checked
    if (!Object.prototype.hasOwnProperty.call(OPERATORS, op)) return this.warn(at, `unknown operator "${op}"`);
    if (op === 'var') return this.var(raw, at);
    if (op === 'missing') return this.stringList(raw, at, 'missing takes an array of variable names');
    if (op === 'missing_some') return this.missingSome(raw, at);
    if (op === 'fractional') return this.fractional(raw, at, depth, isResult);
    if (!Array.isArray(raw) && !UNARY_SUGAR.has(op)) {
      if (!FLAGD_OPERATORS.has(op)) return this.fail(at, `"${op}" takes an array of arguments`);
      this.warn(at, `"${op}" takes an array of arguments`);
      return this.arg(raw, at, depth + 1, false);
    }
    const args = Array.isArray(raw) ? raw : [raw];
    const [min, max] = ARITY[op];
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      const message = `"${op}" takes ${want} argument${min === 1 && max === 1 ? '' : 's'}, got ${args.length}`;
      if (!FLAGD_OPERATORS.has(op)) return this.fail(at, message);
      // flagd's own operators answer null to a wrong argument count (the flag falls back to its default)
      this.warn(at, message);
      args.forEach((a, i) => this.arg(a, pointer(at, i), depth + 1, false));
      return;
    }
    switch (op) {
      case 'if':
      case '?:':
        args.forEach((a, i) => {
          const branch = args.length === 1 || i % 2 === 1 || i === args.length - 1;
          this.arg(a, pointer(at, i), depth + 1, isResult && branch);
        });
        return;
      case 'starts_with':
      case 'ends_with':
        args.forEach((a, i) => {
          if (typeof a !== 'string' && !isPlainObject(a)) this.warn(pointer(at, i), `"${op}" compares strings: each argument is a string or a rule`);
          else this.arg(a, pointer(at, i), depth + 1, false);
        });
        return;
      case 'sem_ver':
        return this.semVer(args, at, depth);
      case 'segment':
        if (typeof args[0] !== 'string' || args[0] === '') return this.fail(at, 'segment takes the name of a segment');
        this.refs.segments.push({ name: args[0], path: at });
        return;
      case 'prerequisite':
        return this.prerequisite(args, at);
      case 'regex':
        return this.regex(args, at, depth);
      case 'before':
      case 'after':
        args.forEach((a, i) => {
          if (typeof a === 'string' && toInstant(a) === null) this.fail(pointer(at, i), `"${a}" is not an RFC 3339 date or date-time`);
          else this.arg(a, pointer(at, i), depth + 1, false);
        });
        return;
      case 'ip_in':
        return this.ipIn(args, at, depth);
      default:
        args.forEach((a, i) => this.arg(a, pointer(at, i), depth + 1, false));
    }
  }

  var(raw: JsonValue, at: string): void {
    const path = Array.isArray(raw) ? raw[0] : raw;
    if (Array.isArray(raw)) {
      if (raw.length === 0) return this.fail(at, 'var takes a variable name');
      raw.slice(1).forEach((d, i) => {
        if (d !== null && typeof d === 'object') this.fail(pointer(at, i + 1), 'the default of var is a string, number, boolean or null');
      });
    }
    if (typeof path !== 'string') return this.fail(Array.isArray(raw) ? pointer(at, 0) : at, 'var takes a variable name (a string, dots for nesting)');
    if (path.startsWith('$flagd.') && path !== '$flagd.flagKey' && path !== '$flagd.timestamp') {
      this.fail(at, `"${path}" is not a flagd property: use $flagd.flagKey or $flagd.timestamp`);
    }
  }

  stringList(raw: JsonValue, at: string, message: string): void {
    if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) this.fail(at, message);
  }

  missingSome(raw: JsonValue, at: string): void {
    if (!Array.isArray(raw) || raw.length !== 2 || typeof raw[0] !== 'number') {
      return this.fail(at, 'missing_some takes [minimum count, [variable names]]');
    }
    this.stringList(raw[1], pointer(at, 1), 'missing_some takes [minimum count, [variable names]]');
  }

  semVer(args: JsonValue[], at: string, depth: number): void {
    for (const i of [0, 2]) {
      const a = args[i];
      if (typeof a === 'string') {
        if (!isStrictSemVer(a)) this.warn(pointer(at, i), `"${a}" is not a semantic version (MAJOR.MINOR.PATCH)`);
      } else if (isPlainObject(a)) this.arg(a, pointer(at, i), depth + 1, false);
      else this.warn(pointer(at, i), 'sem_ver compares a version string or a rule (usually var)');
    }
    if (typeof args[1] !== 'string' || !(SEM_VER_OPERATORS as readonly string[]).includes(args[1])) {
      this.warn(pointer(at, 1), `sem_ver operator must be one of ${SEM_VER_OPERATORS.join(' ')}`);
    }
  }

  fractional(raw: JsonValue, at: string, depth: number, isResult: boolean): void {
    if (!Array.isArray(raw) || raw.length === 0) return this.fail(at, 'fractional takes [bucketing rule?, [variant, weight], …]');
    let first = 0;
    if (!Array.isArray(raw[0])) {
      if (!isPlainObject(raw[0])) return this.fail(pointer(at, 0), 'the bucketing value of fractional is a rule (e.g. {"var": "email"}) or omitted');
      this.arg(raw[0], pointer(at, 0), depth + 1, false);
      first = 1;
    }
    if (raw.length - first < 1) return this.fail(at, 'fractional needs at least one bucket');
    for (let i = first; i < raw.length; i++) {
      const entry = raw[i];
      const p = pointer(at, i);
      if (!Array.isArray(entry) || entry.length < 1 || entry.length > 2) {
        this.fail(p, 'a fractional bucket is [variant] or [variant, weight]');
        continue;
      }
      this.arg(entry[0], pointer(p, 0), depth + 2, isResult);
      if (entry.length === 2) {
        const w = entry[1];
        if (typeof w === 'number') {
          if (!Number.isInteger(w)) this.fail(pointer(p, 1), 'a fractional weight is a non-negative integer');
          // flagd counts a negative weight as zero
          else if (w < 0) this.warn(pointer(p, 1), 'a fractional weight is a non-negative integer (a negative weight counts as 0)');
        } else if (isPlainObject(w)) this.arg(w, pointer(p, 1), depth + 2, false);
        else this.fail(pointer(p, 1), 'a fractional weight is a non-negative integer or a rule computing one');
      }
    }
  }

  prerequisite(args: JsonValue[], at: string): void {
    const [flag, variants] = args;
    if (typeof flag !== 'string' || flag === '') this.fail(pointer(at, 0), 'prerequisite takes a flag key');
    const list = Array.isArray(variants) ? variants : [variants];
    if (list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) {
      return this.fail(pointer(at, 1), 'prerequisite takes a variant name or an array of them');
    }
    if (typeof flag === 'string' && flag !== '') this.refs.prerequisites.push({ flag, variants: list as string[], path: at });
  }

  regex(args: JsonValue[], at: string, depth: number): void {
    this.arg(args[0], pointer(at, 0), depth + 1, false);
    if (typeof args[1] !== 'string') return this.fail(pointer(at, 1), 'the pattern of regex is a literal string (so that it can be checked when saved)');
    if (args.length === 3 && typeof args[2] !== 'string') return this.fail(pointer(at, 2), 'regex flags are a string');
    const problem = checkRegex(args[1], (args[2] as string | undefined) ?? '');
    if (problem) this.fail(pointer(at, 1), problem);
  }

  ipIn(args: JsonValue[], at: string, depth: number): void {
    this.arg(args[0], pointer(at, 0), depth + 1, false);
    const list = Array.isArray(args[1]) ? args[1] : [args[1]];
    if (list.length === 0) return this.fail(pointer(at, 1), 'ip_in takes a CIDR range or an array of them');
    list.forEach((c, i) => {
      if (typeof c !== 'string' || !parseCidr(c)) {
        this.fail(Array.isArray(args[1]) ? pointer(pointer(at, 1), i) : pointer(at, 1), `${JSON.stringify(c)} is not an IP address or CIDR range`);
      }
    });
  }
}

/**
 * Checks one targeting rule (flagd's targeting schema plus Curtain's operators). References to
 * shared rules, segments and flags are collected in `refs`, not resolved: the flag-set check does that.
 */
export function checkRule(rule: unknown, path: string, issues: ValidationIssue[], warnings: ValidationIssue[] = issues): RuleReferences {
  const refs = emptyReferences();
  if (!isPlainObject(rule)) {
    issues.push({ path, message: 'targeting is a JsonLogic rule: an object such as {"if": […]}, or {} for none' });
    return refs;
  }
  refs.size = 1;
  new RuleChecker(issues, warnings, refs).operation(rule, path, 0, true);
  return refs;
}

/** Validates a standalone targeting rule (as flagd's targeting.json does); `$ref` names are not resolved. */
export function validateTargeting(rule: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  checkRule(rule, '', issues);
  return issues;
}

export { pointer };
