// JsonLogic's core operators (jsonlogic.com semantics): comparison, logic, arithmetic, strings and arrays.

import type { JsonValue } from './types';
import { truthy, type Env, type Fn, type OperatorCompiler } from './rule';
import { prop, simpleVar } from './ops-data';
import { charge, ELEMENT_UNITS, NODE_UNITS } from './budget';
import { catPart, charged, looseEquals, primitive } from './loose';
import { ruleNodes } from './rule-nodes';

type Compare = (a: any, b: any) => boolean;

function comparator(op: string, test: Compare, between: boolean): OperatorCompiler {
  // `==`, `!=`: an object next to a primitive is compared by its string form; relations coerce every object
  const loose = op === '==' || op === '!=';
  const strict = op === '===' || op === '!==';
  return (args, scope, compile) => {
    const right = args[1];
    const literal = right === null || typeof right !== 'object';
    const k = literal && args.length === 2 ? simpleVar(args[0], scope) : null;
    if (k !== null) return compareProp(op, k, right);
    const [a, b, c] = args.map((x) => compile(x, scope));
    if (strict) return literal ? (d, e) => test(a(d, e), right) : (d, e) => test(a(d, e), b(d, e));
    if (loose) {
      const negate = op === '!=';
      return (d, e) => looseEquals(a(d, e), literal ? right : b(d, e), e) !== negate;
    }
    if (between && c) return (d, e) => { const y = primitive(b(d, e), e); return test(primitive(a(d, e), e), y) && test(y, primitive(c(d, e), e)); };
    // the common `{"op": [expression, literal]}`: skip a closure call
    if (literal) return (d, e) => test(primitive(a(d, e), e), right);
    return (d, e) => test(primitive(a(d, e), e), primitive(b(d, e), e));
  };
}

/** `{"op": [{"var": k}, literal]}`, the most common comparison: one closure per operator, nothing called for strings. */
function compareProp(op: string, k: string, r: any): Fn {
  if (typeof r === 'string') {
    // a string equals `r` loosely exactly when it is `r`
    // the property is read here rather than by `prop` (see `in`): a string needs no other check
    if (op === '==') return (d, e) => { const v = d == null ? null : (d as any)[k]; return typeof v === 'string' ? v === r : looseEquals(prop(d, k), r, e); };
    if (op === '!=') return (d, e) => { const v = d == null ? null : (d as any)[k]; return typeof v === 'string' ? v !== r : !looseEquals(prop(d, k), r, e); };
  }
  switch (op) {
    case '==': return (d, e) => looseEquals(prop(d, k), r, e);
    case '===': return (d) => prop(d, k) === r;
    case '!=': return (d, e) => !looseEquals(prop(d, k), r, e);
    case '!==': return (d) => prop(d, k) !== r;
    case '>': return (d, e) => (primitive(prop(d, k), e) as any) > r;
    case '>=': return (d, e) => (primitive(prop(d, k), e) as any) >= r;
    case '<': return (d, e) => (primitive(prop(d, k), e) as any) < r;
    default: return (d, e) => (primitive(prop(d, k), e) as any) <= r;
  }
}

function toNumber(v: unknown, e: Env): number {
  return typeof v === 'number' ? v : parseFloat(primitive(v, e) as string);
}

function allArgs(args: JsonValue[], scope: Parameters<OperatorCompiler>[1], compile: Parameters<OperatorCompiler>[2]) {
  const fns = args.map((x) => compile(x, scope));
  return (d: unknown, e: Env): unknown[] => {
    const out = new Array(fns.length);
    for (let i = 0; i < fns.length; i++) out[i] = fns[i](d, e);
    return out;
  };
}

/** JsonLogic substr: a negative start counts from the end; a negative length drops characters from the end. */
function substr(source: unknown, start: unknown, len: unknown, e: Env): string {
  const s = charged(String(primitive(source, e)), e);
  let from = Math.trunc(Number(start)) || 0;
  if (from < 0) from = Math.max(s.length + from, 0);
  if (from > s.length) return '';
  if (len === undefined) return s.slice(from);
  const n = Math.trunc(Number(len)) || 0;
  return n < 0 ? s.slice(from, Math.max(s.length + n, from)) : s.slice(from, from + n);
}

/**
 * Arguments of map/filter/…: the array, the body compiled to read each element, and what one element costs
 * (budget.ts): an iteration is charged for its array's length before it runs.
 */
function iteration(args: JsonValue[], scope: Parameters<OperatorCompiler>[1], compile: Parameters<OperatorCompiler>[2]) {
  const list = compile(args[0], scope);
  const inner = { ...scope, inIteration: true };
  const body = compile(args[1] ?? null, inner);
  const perElement = ELEMENT_UNITS + NODE_UNITS * ruleNodes(args[1] ?? null, inner);
  const items = (d: unknown, e: Env): unknown[] | null => {
    const xs = list(d, e);
    if (!Array.isArray(xs)) return null;
    charge(e, xs.length * perElement);
    return xs;
  };
  return { items, body };
}

export const logicOperators: Record<string, OperatorCompiler> = {
  '==': comparator('==', (a, b) => a == b, false), // eslint-disable-line eqeqeq
  '===': comparator('===', (a, b) => a === b, false),
  '!=': comparator('!=', (a, b) => a != b, false), // eslint-disable-line eqeqeq
  '!==': comparator('!==', (a, b) => a !== b, false),
  '>': comparator('>', (a, b) => a > b, false),
  '>=': comparator('>=', (a, b) => a >= b, false),
  '<': comparator('<', (a, b) => a < b, true),
  '<=': comparator('<=', (a, b) => a <= b, true),

  '!'(args, scope, compile) {
    const a = compile(args[0] ?? null, scope);
    return (d, e) => !truthy(a(d, e));
  },
  '!!'(args, scope, compile) {
    const a = compile(args[0] ?? null, scope);
    return (d, e) => truthy(a(d, e));
  },
  and(args, scope, compile) {
    const fns = args.map((x) => compile(x, scope));
    if (fns.length === 2) {
      const [a, b] = fns;
      return (d, e) => { const x = a(d, e); return truthy(x) ? b(d, e) : x; };
    }
    return (d, e) => {
      let v: unknown = null;
      for (let i = 0; i < fns.length; i++) if (!truthy((v = fns[i](d, e)))) return v;
      return v;
    };
  },
  or(args, scope, compile) {
    const fns = args.map((x) => compile(x, scope));
    return (d, e) => {
      let v: unknown = null;
      for (let i = 0; i < fns.length; i++) if (truthy((v = fns[i](d, e)))) return v;
      return v;
    };
  },
  if: ifOperator,
  '?:': ifOperator,

  in(args, scope, compile) {
    const list = args[1];
    if (Array.isArray(list) && list.every((x) => x === null || typeof x !== 'object')) {
      const values = list as unknown[];
      const k = simpleVar(args[0], scope);
      // The fused forms read the property themselves, as `prop` would, rather than calling it: a load written in
      // `prop` is one site for every name of every rule (megamorphic once rules read a few attributes), one
      // written here sees the names of this kind of test only.
      if (values.length > 8) {
        const set = new Set(values);
        if (k !== null) return (d) => { const v = d == null ? null : (d as any)[k]; return set.has(v === undefined || typeof v === 'function' ? null : v); };
        const item = compile(args[0], scope);
        return (d, e) => set.has(item(d, e));
      }
      if (k !== null) {
        return (d) => {
          let x = d == null ? null : (d as any)[k];
          if (x === undefined || typeof x === 'function') x = null;
          for (let i = 0; i < values.length; i++) if (values[i] === x) return true;
          return false;
        };
      }
      const item = compile(args[0], scope);
      return (d, e) => {
        const x = item(d, e);
        for (let i = 0; i < values.length; i++) if (values[i] === x) return true;
        return false;
      };
    }
    const item = compile(args[0], scope);
    const container = compile(list, scope);
    return (d, e) => {
      const c = container(d, e);
      if (typeof c === 'string') return charged(c, e).indexOf(primitive(item(d, e), e) as string) !== -1;
      return Array.isArray(c) ? charged(c, e).indexOf(item(d, e)) !== -1 : false;
    };
  },
  cat(args, scope, compile) {
    // one or two parts (the usual bucketing keys) without building an array to join
    if (args.length === 1) {
      const a = compile(args[0], scope);
      return (d, e) => charged(catPart(a(d, e), e), e);
    }
    if (args.length === 2) {
      const a = compile(args[0], scope);
      const b = compile(args[1], scope);
      return (d, e) => charged(catPart(a(d, e), e) + catPart(b(d, e), e), e);
    }
    const all = allArgs(args, scope, compile);
    return (d, e) => { let out = ''; for (const x of all(d, e)) out += catPart(x, e); return charged(out, e); };
  },
  substr(args, scope, compile) {
    const [s, from, len] = args.map((x) => compile(x, scope));
    return (d, e) => substr(s(d, e), from(d, e), len ? len(d, e) : undefined, e);
  },

  '+'(args, scope, compile) {
    const all = allArgs(args, scope, compile);
    return (d, e) => all(d, e).reduce((sum: number, x) => sum + toNumber(x, e), 0);
  },
  '*'(args, scope, compile) {
    const all = allArgs(args, scope, compile);
    return (d, e) => { const xs = all(d, e); return xs.length === 1 ? xs[0] : xs.reduce((p, x) => toNumber(p, e) * toNumber(x, e)); };
  },
  '-'(args, scope, compile) {
    const [a, b] = args.map((x) => compile(x, scope));
    return b ? (d, e) => (primitive(a(d, e), e) as number) - (primitive(b(d, e), e) as number) : (d, e) => -(primitive(a(d, e), e) as number);
  },
  '/'(args, scope, compile) {
    const [a, b] = args.map((x) => compile(x, scope));
    return (d, e) => (primitive(a(d, e), e) as number) / (primitive(b(d, e), e) as number);
  },
  '%'(args, scope, compile) {
    const [a, b] = args.map((x) => compile(x, scope));
    return (d, e) => (primitive(a(d, e), e) as number) % (primitive(b(d, e), e) as number);
  },
  min(args, scope, compile) {
    const all = allArgs(args, scope, compile);
    return (d, e) => Math.min(...(all(d, e).map((x) => primitive(x, e)) as number[]));
  },
  max(args, scope, compile) {
    const all = allArgs(args, scope, compile);
    return (d, e) => Math.max(...(all(d, e).map((x) => primitive(x, e)) as number[]));
  },

  merge(args, scope, compile) {
    const all = allArgs(args, scope, compile);
    return (d, e) => charged(([] as unknown[]).concat(...all(d, e)), e);
  },
  map(args, scope, compile) {
    const { items, body } = iteration(args, scope, compile);
    return (d, e) => { const xs = items(d, e); return xs ? xs.map((x) => body(x, e)) : []; };
  },
  filter(args, scope, compile) {
    const { items, body } = iteration(args, scope, compile);
    return (d, e) => { const xs = items(d, e); return xs ? xs.filter((x) => truthy(body(x, e))) : []; };
  },
  all(args, scope, compile) {
    const { items, body } = iteration(args, scope, compile);
    return (d, e) => { const xs = items(d, e); return xs !== null && xs.length > 0 && xs.every((x) => truthy(body(x, e))); };
  },
  some(args, scope, compile) {
    const { items, body } = iteration(args, scope, compile);
    return (d, e) => { const xs = items(d, e); return xs !== null && xs.some((x) => truthy(body(x, e))); };
  },
  none(args, scope, compile) {
    const { items, body } = iteration(args, scope, compile);
    return (d, e) => { const xs = items(d, e); return xs === null || !xs.some((x) => truthy(body(x, e))); };
  },
  reduce(args, scope, compile) {
    const { items, body } = iteration(args, scope, compile);
    const initial = compile(args[2] ?? null, scope);
    return (d, e) => {
      const xs = items(d, e);
      const init = initial(d, e);
      if (xs === null) return init;
      return xs.reduce((accumulator, current) => body({ current, accumulator }, e), init);
    };
  },
};

/** `if` / `?:`: [cond, then, cond, then, …, else]; a missing else is null. */
function ifOperator(args: JsonValue[], scope: Parameters<OperatorCompiler>[1], compile: Parameters<OperatorCompiler>[2]): Fn {
  const fns = args.map((x) => compile(x, scope));
  if (fns.length === 1) return fns[0];
  if (fns.length === 3) {
    const [c, t, f] = fns;
    return (d, e) => (truthy(c(d, e)) ? t(d, e) : f(d, e));
  }
  const pairs = fns.length >> 1;
  const conds: Fn[] = [];
  const thens: Fn[] = [];
  // A literal branch (a variant name, usually) is returned as it is, without a call.
  const literal: boolean[] = [];
  const values: unknown[] = [];
  for (let i = 0; i < pairs; i++) {
    const v = args[2 * i + 1];
    conds.push(fns[2 * i]);
    thens.push(fns[2 * i + 1]);
    literal.push(v === null || typeof v !== 'object');
    values.push(v === null || typeof v !== 'object' ? v : undefined);
  }
  const otherwise = fns.length % 2 === 1 ? fns[fns.length - 1] : null;
  return (d, e) => {
    for (let i = 0; i < pairs; i++) if (truthy(conds[i](d, e))) return literal[i] ? values[i] : thens[i](d, e);
    return otherwise ? otherwise(d, e) : null;
  };
}
