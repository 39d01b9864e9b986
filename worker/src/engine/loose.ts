// JsonLogic's loose operators on data from the context: an array or object becomes its string form (what
// JavaScript's coercion makes of it), computed once per object however many rules coerce it, and charged.

import { charge, CHARGE_FROM } from './budget';
import type { Env } from './rule';

const texts = new WeakMap<object, string>();

/** `String(v)` for an array or object: made once per object (a context's array may be 128 Ki elements long). */
export function textOf(v: object, e: Env): string {
  let s = texts.get(v);
  if (s === undefined) {
    s = String(v);
    texts.set(v, s);
    if (s.length > CHARGE_FROM) charge(e, s.length);
  }
  return s;
}

/** `v` as a relational or arithmetic operator sees it: an object's string form, anything else as it is. */
export function primitive(v: unknown, e: Env): unknown {
  return typeof v === 'object' && v !== null ? textOf(v, e) : v;
}

/** `a == b`, with an object compared to a primitive by its string form (as JavaScript does), made once. */
export function looseEquals(a: unknown, b: unknown, e: Env): boolean {
  if (typeof a === 'object' && a !== null) {
    if (typeof b === 'object' || b === undefined) return a == b; // eslint-disable-line eqeqeq
    return textOf(a, e) == b; // eslint-disable-line eqeqeq
  }
  if (typeof b === 'object' && b !== null) return a === undefined ? false : a == textOf(b, e); // eslint-disable-line eqeqeq
  return a == b; // eslint-disable-line eqeqeq
}

/** One part of `cat` as `Array.prototype.join` converts it: null and undefined are empty, the rest `String()`. */
export function catPart(x: unknown, e: Env): string {
  return typeof x === 'string' ? x : x === null || x === undefined ? '' : typeof x === 'object' ? textOf(x, e) : String(x);
}

/** A string a rule built or searched: charged by its length when long. */
export function charged<T extends string | unknown[]>(s: T, e: Env): T {
  if (s.length > CHARGE_FROM) charge(e, s.length);
  return s;
}
