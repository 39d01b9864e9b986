// Compiles a JsonLogic rule (flagd dialect + Curtain operators) into closures, once; no eval, no new Function.

import type { JsonValue } from './types';
import { dataOperators } from './ops-data';
import { logicOperators } from './ops-logic';
import { flagdOperators } from './ops-flagd';
import { curtainOperators } from './ops-curtain';
import { RuleError, type CompileScope, type Fn, type OperatorCompiler } from './rule';

/** Every operator the engine knows, by name. */
export const OPERATORS: Readonly<Record<string, OperatorCompiler>> = Object.freeze({
  ...dataOperators,
  ...logicOperators,
  ...flagdOperators,
  ...curtainOperators,
});

const hasOwn = Object.prototype.hasOwnProperty;

/** Compiles one rule node; throws RuleError on what validation would have rejected. */
export function compileRule(node: JsonValue, scope: CompileScope): Fn {
  if (node === null || typeof node !== 'object') {
    const v = node;
    return () => v;
  }
  if (Array.isArray(node)) {
    // JsonLogic evaluates the elements of a literal array.
    const fns = node.map((x) => compileRule(x, scope));
    if (fns.length === 0) return () => [];
    return (d, e) => {
      const out = new Array(fns.length);
      for (let i = 0; i < fns.length; i++) out[i] = fns[i](d, e);
      return out;
    };
  }
  const keys = Object.keys(node);
  if (keys.length === 0) return () => null;
  if (keys.length > 1) throw new RuleError(`an operation has exactly one operator, found ${keys.join(', ')}`);
  const op = keys[0];
  const raw = node[op];
  if (op === '$ref') return compileRef(String(raw), scope);
  if (!hasOwn.call(OPERATORS, op)) throw new RuleError(`unknown operator "${op}"`);
  return OPERATORS[op](Array.isArray(raw) ? raw : [raw], scope, compileRule);
}

/**
 * Compiled shared rules, per compilation: one `compileFlagSet` (or test run) makes one scope whose
 * `segment` function every derived scope shares, so it identifies the evaluators and segments in use.
 */
const compiledRefs = new WeakMap<CompileScope['segment'], Map<string, Fn | RuleError>>();

/**
 * flagd substitutes a shared rule where it is referenced. Its closures depend only on the evaluators,
 * the segments and whether `var` reads an iterated element, so each shared rule is compiled once per
 * flag set and kind of scope, and shared: a rule that references another twice per level does not
 * double in size with each level (validation still bounds the work of evaluating it).
 */
function compileRef(name: string, scope: CompileScope): Fn {
  if (!hasOwn.call(scope.evaluators, name)) throw new RuleError(`unknown $ref "${name}"`);
  if (scope.refStack.includes(name)) throw new RuleError(`$ref cycle through "${name}"`);
  let cache = compiledRefs.get(scope.segment);
  if (cache === undefined) compiledRefs.set(scope.segment, (cache = new Map()));
  const id = (scope.inIteration ? 'i:' : 'r:') + name;
  let fn = cache.get(id);
  if (fn === undefined) {
    try {
      fn = compileRule(scope.evaluators[name], { ...scope, refStack: [...scope.refStack, name] });
    } catch (e) {
      // a cycle or an unknown operator inside fails every use alike
      fn = e instanceof RuleError ? e : new RuleError(`$ref "${name}" could not be compiled`);
    }
    cache.set(id, fn);
  }
  if (fn instanceof RuleError) throw fn;
  return fn;
}
