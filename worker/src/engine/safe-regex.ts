// The save-time guard for the `regex` operator: patterns whose matching time cannot explode.

import { backtrackingOf, MAX_BACKTRACKING } from './regex-backtracking';

export const MAX_PATTERN_LENGTH = 256;
/** Inputs longer than this never match (the run-time bound). */
export const MAX_REGEX_INPUT_LENGTH = 1024;
/** At most this many unbounded repetitions: backtracking time is then at most quadratic in the input. */
export const MAX_UNBOUNDED_REPEATS = 2;
export const REGEX_FLAGS = /^i?$/;

/**
 * Why a pattern is unsafe or invalid, or null when it is acceptable. Rejects backreferences,
 * lookaround, quantified groups that contain a quantifier or an alternation (nested or
 * overlapping repetition: the shapes of exponential backtracking), counted repeats above 1000,
 * more than two unbounded repetitions (polynomial backtracking above quadratic), and repetitions
 * or alternatives whose ways multiply past what two unbounded repetitions allow (`\d{1,1000}`
 * four times, `(a|a)` thirty times: see regex-backtracking.ts). With inputs capped at
 * MAX_REGEX_INPUT_LENGTH characters at run time, a pattern that passes matches in bounded time.
 */
export function checkRegex(pattern: string, flags = ''): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  if (!REGEX_FLAGS.test(flags)) return 'the only flag allowed is "i"';
  try {
    new RegExp(pattern, flags);
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message}`;
  }
  // One frame per open group: does it contain a quantifier or an alternation?
  const stack: { risky: boolean }[] = [{ risky: false }];
  let inClass = false;
  let unbounded = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n !== undefined && /[1-9k]/.test(n) && !inClass) return 'backreferences are not allowed';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') {
        const kind = pattern.slice(i + 2, i + 4);
        if (kind[0] === '=' || kind[0] === '!' || kind === '<=' || kind === '<!') return 'lookahead and lookbehind are not allowed';
        if (kind[0] !== ':' && kind[0] !== '<') return 'inline modifiers such as (?i:…) are not allowed: use the "i" flag';
        // `(?:` and `(?<name>` open a group: their `?` is not a quantifier
        i = kind[0] === '<' ? pattern.indexOf('>', i) : i + 2;
      }
      stack.push({ risky: false });
      continue;
    }
    if (c === '|') {
      stack[stack.length - 1].risky = true;
      continue;
    }
    if (c === ')') {
      const inner = stack.pop();
      if (!inner || stack.length === 0) return 'unbalanced parenthesis';
      const q = quantifierAt(pattern, i + 1);
      if (q) {
        if (inner.risky) return 'a repeated group must not contain another repetition or an alternation (catastrophic backtracking)';
        if (q.max > 1000) return 'counted repetition above 1000';
        if (q.unbounded && ++unbounded > MAX_UNBOUNDED_REPEATS) return tooMany;
        i += q.length;
      }
      if (inner.risky || q) stack[stack.length - 1].risky = true;
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      if (q.max > 1000) return 'counted repetition above 1000';
      if (q.unbounded && ++unbounded > MAX_UNBOUNDED_REPEATS) return tooMany;
      stack[stack.length - 1].risky = true;
      i += q.length - 1;
    }
  }
  if (backtrackingOf(pattern, flags.includes('i')) > MAX_BACKTRACKING) return tooMuchBacktracking;
  return null;
}

const tooMuchBacktracking =
  'repetitions and alternatives that can match the same characters multiply the work of a failing match beyond what two unbounded repetitions allow; bound them more tightly, or separate them with a character they cannot match';

const tooMany = `more than ${MAX_UNBOUNDED_REPEATS} unbounded repetitions (*, +, {n,}); bound some of them, e.g. {1,64}`;

/** The quantifier starting at `i` (with its lazy/possessive suffix), or null. */
function quantifierAt(p: string, i: number): { length: number; max: number; unbounded: boolean } | null {
  const c = p[i];
  let length = 1;
  let max = 1;
  let unbounded = false;
  if (c === '*' || c === '+') unbounded = true;
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
    if (!m) return null;
    length = m[0].length;
    unbounded = m[3] === '';
    max = Math.max(Number(m[1]), m[3] ? Number(m[3]) : 0);
  } else if (c !== '?') return null;
  if (p[i + length] === '?') length++;
  return { length, max, unbounded };
}
