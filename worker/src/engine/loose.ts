// JsonLogic's loose operators on data from the context: an array or object becomes its string form (what
// JavaScript's coercion makes of it), computed once per object however many rules coerce it, and charged.

import { charge, CHAR_UNITS, CHARGE_FROM, ELEMENT_UNITS } from './budget';
import type { Env } from './rule';

const texts = new WeakMap<object, string>();

/** What `String()` makes of a plain object from JSON; one whose own toString or valueOf is data cannot be converted. */
function objectText(o: object): string {
  if (Object.prototype.hasOwnProperty.call(o, 'toString') || Object.prototype.hasOwnProperty.call(o, 'valueOf')) return String(o);
  return '[object Object]';
}

/**
 * `String(v)` for an array or object (what JavaScript's coercion makes of it), made without recursion and once
 * per array however deep it nests (each nested array's text is kept too), each element charged: a context's
 * array may be 128 Ki elements long, or nested 100,000 levels deep.
 */
export function textOf(v: object, e: Env): string {
  const known = texts.get(v);
  if (known !== undefined) return known;
  if (!Array.isArray(v)) return objectText(v);
  // post-order over the nested arrays not yet converted: a frame is revisited once its children have their text
  const stack: unknown[][] = [v];
  while (stack.length > 0) {
    const a = stack[stack.length - 1];
    if (texts.has(a)) {
      stack.pop();
      continue;
    }
    let pending = false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (Array.isArray(x) && !texts.has(x)) {
        stack.push(x);
        pending = true;
      }
    }
    if (pending) continue;
    charge(e, ELEMENT_UNITS * (a.length + 1));
    let s = '';
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (i > 0) s += ',';
      if (x === null || x === undefined) continue;
      s += typeof x !== 'object' ? String(x) : Array.isArray(x) ? (texts.get(x) as string) : objectText(x);
    }
    texts.set(a, s);
    stack.pop();
  }
  return texts.get(v) as string;
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
  if (s.length > CHARGE_FROM) charge(e, CHAR_UNITS * s.length);
  return s;
}
