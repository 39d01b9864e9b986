// Where each part of the builder sits in the JSON (JSON pointers, as the engine reports validation issues),
// so that an issue the API returns shows beside the field it concerns.
import type { ApiIssue } from '../api-types';
import type { Match, Outcome, Targeting } from './targeting';

export const ruleConditionPointer = (index: number) => `/if/${2 * index}`;
export const ruleOutcomePointer = (index: number) => `/if/${2 * index + 1}`;

export function conditionPointer(match: Match, base: string, index: number): string {
  return match.combine === 'single' && match.conditions.length === 1 ? base : `${base}/${match.combine === 'or' ? 'or' : 'and'}/${index}`;
}

export function otherwisePointer(t: Targeting): string {
  return t.form === 'if' ? `/if/${2 * t.rules.length}` : '';
}

export function bucketPointer(outcome: Outcome, base: string, index: number): string {
  return outcome.kind === 'split' ? `${base}/fractional/${index + (outcome.bucketBy === null ? 0 : 1)}` : base;
}

const under = (path: string, pointer: string) => path === pointer || path.startsWith(`${pointer}/`);

/** The issues at `pointer` or inside it. */
export function issuesAt(issues: readonly ApiIssue[], pointer: string): ApiIssue[] {
  return issues.filter((i) => under(i.path, pointer));
}

/** The issues at `pointer` or inside it, but not inside any of `placed` (those show beside their own field). */
export function issuesOnlyAt(issues: readonly ApiIssue[], pointer: string, placed: readonly string[]): ApiIssue[] {
  return issuesAt(issues, pointer).filter((i) => !placed.some((p) => p !== pointer && under(i.path, p)));
}

/** Issues of a document (`/flags/x/targeting/if/0`) made relative to one of its rules (`/if/0`); others dropped. */
export function relativeTo(issues: readonly ApiIssue[], prefix: string): ApiIssue[] {
  return issues.filter((i) => under(i.path, prefix)).map((i) => ({ ...i, path: i.path.slice(prefix.length) }));
}

/** A JSON pointer segment, escaped as RFC 6901 says (`~` → `~0`, `/` → `~1`). */
export const segment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
