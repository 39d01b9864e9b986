// The work one request may do, in units of about a nanosecond: what validation bounds per flag when saved, and
// what evaluation counts as it goes, so that no request can buy more than its budget (docs/limits.md).

import type { Env } from './rule';

/** A request's budget: the whole of a bulk evaluation, or one flag (with its prerequisites). */
export const REQUEST_BUDGET = 12_000_000;
/** The most one flag may cost in the worst case its rules and the context limits allow (checked when saved). */
export const MAX_FLAG_COST = 10_000_000;

/**
 * Units of one rule node, of one element of an array a rule iterates (on top of its body's nodes), and of one
 * step of a regex match: calibrated on the slowest of each that validation accepts (npm run bench:adversarial).
 */
export const NODE_UNITS = 6;
export const ELEMENT_UNITS = 10;
export const REGEX_STEP_UNITS = 8;
/** Strings longer than this are charged by their length where a rule hashes, searches or copies them… */
export const CHARGE_FROM = 256;
/** …at this many units per character. */
export const CHAR_UNITS = 4;

/** What an evaluation may read (edge/evaluate.ts's body limit): UTF-16 code units of the whole request. */
export const CONTEXT_CHARS = 256 * 1024;
/** At most this many elements in one array of the context (`[0,0,…]`: two characters each). */
export const CONTEXT_ELEMENTS = CONTEXT_CHARS / 2;

/** Thrown when an evaluation has spent its budget; the flag being evaluated answers ERROR, and so do the rest. */
export class BudgetExceeded extends Error {}
const EXCEEDED = new BudgetExceeded('evaluation budget exceeded');

/** Spends `units` of the request's budget, or throws when there are not so many left. */
export function charge(env: Env, units: number): void {
  if ((env.budget -= units) < 0) throw EXCEEDED;
}
