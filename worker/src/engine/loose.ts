// JsonLogic's loose operators on data from the context: an array or object becomes its string form (what
// JavaScript's coercion makes of it), computed once per object however many rules coerce it, bounded and charged.

import { charge, CHAR_UNITS, CHARGE_FROM, ELEMENT_UNITS } from './budget';
import type { Env } from './rule';

/** Arrays and objects of more values than this (counted through every level) are not turned into strings. */
export const MAX_COERCED_VALUES = 1024;

const texts = new WeakMap<object, string | null>();

/**
 * `String(v)` for an array or object of at most MAX_COERCED_VALUES values (what JavaScript's coercion makes of it),
 * made once per object and charged by its values; null for a larger one, which loose comparisons treat as NaN (never
 * equal, never less or greater) and `cat` as empty: a context's array may hold 128 Ki values or nest 100,000 levels
 * deep, and JavaScript would walk all of it for every comparison (or overflow its stack).
 */
export function textOf(v: object, e: Env): string | null {
  const known = texts.get(v);
  if (known !== undefined) return known;
  // count the values without recursion, stopping past the limit
  let values = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0 && values <= MAX_COERCED_VALUES) {
    const x = stack.pop();
    values++;
    if (Array.isArray(x)) {
      if (values + stack.length + x.length > MAX_COERCED_VALUES) values = MAX_COERCED_VALUES + 1;
      else for (let i = 0; i < x.length; i++) stack.push(x[i]);
    } else if (typeof x === 'object' && x !== null) {
      for (const k in x) if (Object.prototype.hasOwnProperty.call(x, k) && ++values > MAX_COERCED_VALUES) break;
    }
  }
  charge(e, ELEMENT_UNITS * values);
  let text: string | null = null;
  if (values <= MAX_COERCED_VALUES) {
    try {
      text = String(v);
    } catch {
      text = null; // an object whose own toString or valueOf is data cannot be converted
    }
  }
  texts.set(v, text);
  return text;
}

/** `v` as a relational or arithmetic operator sees it: an object's string form (NaN when too large), anything else as it is. */
export function primitive(v: unknown, e: Env): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const text = textOf(v, e);
  return text === null ? NaN : text;
}

/** `a == b`, with an object compared to a primitive by its string form (as JavaScript does), made once. */
export function looseEquals(a: unknown, b: unknown, e: Env): boolean {
  if (typeof a === 'object' && a !== null) {
    if (typeof b === 'object' || b === undefined) return a == b; // eslint-disable-line eqeqeq
    const text = textOf(a, e);
    return text !== null && text == b; // eslint-disable-line eqeqeq
  }
  if (typeof b === 'object' && b !== null) {
    if (a === undefined) return false;
    const text = textOf(b, e);
    return text !== null && a == text; // eslint-disable-line eqeqeq
  }
  return a == b; // eslint-disable-line eqeqeq
}

/** One part of `cat` as `Array.prototype.join` converts it: null and undefined are empty, the rest `String()`. */
export function catPart(x: unknown, e: Env): string {
  return typeof x === 'string' ? x : x === null || x === undefined ? '' : typeof x === 'object' ? (textOf(x, e) ?? '') : String(x);
}

/** A string a rule built or searched: charged by its length when long. */
export function charged<T extends string | unknown[]>(s: T, e: Env): T {
  if (s.length > CHARGE_FROM) charge(e, CHAR_UNITS * s.length);
  return s;
}
