// JsonLogic data access: `var`, `missing`, `missing_some` (with flagd's injected `$flagd` properties).

import type { JsonValue } from './types';
import type { CompileScope, Fn, OperatorCompiler } from './rule';
import { charged } from './loose';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Names that a value parsed from JSON can inherit from a built-in prototype (`constructor`, `__proto__`,
 * `toString`, `length`…). `var` reads them only as the value's own properties, as flagd does, so that a rule
 * never sees the JavaScript prototype chain; decided when compiling, so other names cost nothing per read.
 */
export function inheritable(k: string): boolean {
  return k in Object.prototype || k in Array.prototype || k in String.prototype || k in Number.prototype || k in Boolean.prototype || k in Function.prototype;
}

/** One step of a path: the own property `k` of `o` for an inheritable name, any property otherwise; undefined when absent. */
function step(o: unknown, k: string, own: boolean): unknown {
  if (o === null || o === undefined) return undefined;
  if (own && !hasOwn.call(o, k)) return undefined;
  return (o as Record<string, unknown>)[k];
}

/** Reads a dotted path; `undefined` when absent (null values are returned as null, like JsonLogic). */
function lookup(data: unknown, parts: string[], own: boolean[]): unknown {
  let v = data;
  for (let i = 0; i < parts.length; i++) {
    v = step(v, parts[i], own[i]);
    if (v === undefined || typeof v === 'function') return undefined;
  }
  return v;
}

/** A path read, specialised for the common one- and two-segment paths; `missing` stands for an absent value. */
export function compilePath(path: string, scope: CompileScope, missing: unknown = undefined): Fn {
  if (path === '') return (data) => (data === undefined ? missing : data);
  if (!scope.inIteration) {
    // flagd injects `$flagd.flagKey` and `$flagd.timestamp` (unix seconds) into the context.
    if (path === '$flagd.flagKey') return (_d, env) => env.flag.key;
    if (path === '$flagd.timestamp') return (_d, env) => Math.floor(env.now / 1000);
    if (path === '$flagd') return (_d, env) => ({ flagKey: env.flag.key, timestamp: Math.floor(env.now / 1000) });
    if (path.startsWith('$flagd.')) return () => missing;
  }
  const parts = path.split('.');
  const own = parts.map(inheritable);
  if (parts.length === 1 && !own[0]) {
    const k = parts[0];
    return (data) => {
      if (data === null || data === undefined) return missing;
      const v = (data as Record<string, unknown>)[k];
      return v === undefined || typeof v === 'function' ? missing : v;
    };
  }
  if (parts.length === 2 && !own[0] && !own[1]) {
    const [a, b] = parts;
    return (data) => {
      if (data === null || data === undefined) return missing;
      const o = (data as Record<string, unknown>)[a];
      if (o === null || o === undefined || typeof o === 'function') return missing;
      const v = (o as Record<string, unknown>)[b];
      return v === undefined || typeof v === 'function' ? missing : v;
    };
  }
  return (data) => {
    const v = lookup(data, parts, own);
    return v === undefined ? missing : v;
  };
}

/**
 * The property a rule node reads when it is a plain `{"var": "name"}` (no dots, no fallback, not
 * `$flagd…`), so that an operator can read it itself with `prop` instead of calling a closure; else null.
 */
export function simpleVar(node: JsonValue | undefined, scope: CompileScope): string | null {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return null;
  const keys = Object.keys(node);
  if (keys.length !== 1 || keys[0] !== 'var') return null;
  let arg = node.var;
  if (Array.isArray(arg)) {
    if (arg.length === 0 || arg.length > 2 || (arg.length === 2 && arg[1] !== null)) return null;
    arg = arg[0];
  }
  if (typeof arg !== 'string' && typeof arg !== 'number') return null;
  const path = String(arg);
  if (path === '' || path.indexOf('.') !== -1 || (!scope.inIteration && path.startsWith('$flagd')) || inheritable(path)) return null;
  return path;
}

/** What `{"var": k}` reads from `data` for a `simpleVar` name (never an inheritable one): null when absent. */
export function prop(data: unknown, k: string): unknown {
  if (data === null || data === undefined) return null;
  const v = (data as Record<string, unknown>)[k];
  return v === undefined || typeof v === 'function' ? null : v;
}

/** The context attribute `k` (a release's bucketing attribute): own properties only for an inheritable name; null when absent. */
export function attribute(data: unknown, k: string): unknown {
  const v = step(data, k, inheritable(k));
  return v === undefined || typeof v === 'function' ? null : v;
}

function pathOf(v: JsonValue): string {
  return v === null || v === undefined ? '' : String(v);
}

export const dataOperators: Record<string, OperatorCompiler> = {
  var(args, scope, compile) {
    const first = args[0];
    if (first !== null && typeof first === 'object') {
      // A computed path (JsonLogic allows it; the flagd schema does not).
      const pathFn = compile(first, scope);
      const def = args.length > 1 ? compile(args[1], scope) : null;
      return (data, env) => {
        const v = compilePath(charged(pathOf(pathFn(data, env) as JsonValue), env), { ...scope, inIteration: true })(data, env);
        return v === undefined ? (def ? def(data, env) : null) : v;
      };
    }
    // absent reads as null, or as a literal fallback: one closure per read
    if (args.length < 2 || args[1] === null) return compilePath(pathOf(first), scope, null);
    const fallback = args[1];
    if (typeof fallback !== 'object') return compilePath(pathOf(first), scope, fallback);
    const read = compilePath(pathOf(first), scope);
    const def = compile(fallback, scope);
    return (data, env) => {
      const v = read(data, env);
      return v === undefined ? def(data, env) : v;
    };
  },

  missing(args, scope, compile) {
    const keys = args.map((a) => compile(a, scope));
    return (data, env) => missingKeys(data, env, flattenKeys(keys, data, env), scope);
  },

  missing_some(args, scope, compile) {
    const need = compile(args[0], scope);
    const list = compile(args[1], scope);
    return (data, env) => {
      const keys = list(data, env);
      const options = Array.isArray(keys) ? keys : [keys];
      const missing = missingKeys(data, env, options, scope);
      return options.length - missing.length >= Number(need(data, env)) ? [] : missing;
    };
  },
};

function flattenKeys(keys: Fn[], data: unknown, env: Parameters<Fn>[1]): unknown[] {
  const out: unknown[] = [];
  for (const k of keys) {
    const v = k(data, env);
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/** JsonLogic `missing`: keys whose value is absent, null or "". */
function missingKeys(data: unknown, env: Parameters<Fn>[1], keys: unknown[], scope: CompileScope): unknown[] {
  const out: unknown[] = [];
  for (const key of keys) {
    const v = compilePath(pathOf(key as JsonValue), scope)(data, env);
    if (v === undefined || v === null || v === '') out.push(key);
  }
  return out;
}
