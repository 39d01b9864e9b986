// Validation on the write path and warnings on the read path: a change is refused for the issues it
// introduces (never for older ones, such as the warnings of a flag imported from flagd), and each flag
// is shown the issues of Curtain's strict checks that concern it.
import { validateFlagSet, validateReleases } from '../engine';
import type { FlagSetDocument, JsonValue, ValidationIssue } from '../engine/types';
import { ApiError } from '../errors';
import type { EnvironmentRow } from './db';
import { environmentDocument, type ProjectState } from './flag-set';

export interface ChangeCheck {
  /** JSON-pointer prefixes the change rewrote: every issue under them counts, old or not ('' for all) */
  changed?: string[];
  /** flagd's line: only what Curtain cannot store or evaluate counts (see validateFlagSet) */
  lenient?: boolean;
  /** how the error message names the document, e.g. "The flag definition is not valid in environment 'x'" */
  what?: string;
}

const key = (i: ValidationIssue) => `${i.path}\u0000${i.message}`;
const under = (path: string, prefix: string) => prefix === '' || path === prefix || path.startsWith(`${prefix}/`);

/**
 * Refuses (400 INVALID_DEFINITION, with the paths) a change whose result has issues that the
 * document before it did not have, or issues under a path it rewrote. `before` is only built when
 * the result has issues at all. Returns the result's warnings (lenient mode; empty when strict).
 */
export function assertChange(before: () => FlagSetDocument, after: FlagSetDocument, check: ChangeCheck = {}): ValidationIssue[] {
  const result = validateFlagSet(after, { lenient: check.lenient });
  if (result.ok) return result.warnings;
  const changed = check.changed ?? [];
  const old = validateFlagSet(before(), { lenient: check.lenient });
  const existing = new Set(old.ok ? [] : old.issues.map(key));
  const introduced = result.issues.filter((i) => !existing.has(key(i)) || changed.some((p) => under(i.path, p)));
  if (introduced.length) {
    throw new ApiError('INVALID_DEFINITION', `${check.what ?? 'The flag definition is not valid'}: ${introduced[0].path} ${introduced[0].message}`, introduced);
  }
  return result.warnings;
}

/** The JSON pointer of a flag, or of a part of it. */
export const flagPath = (flagKey: string, ...parts: string[]) =>
  ['/flags', flagKey, ...parts].map((p, i) => (i === 0 ? p : p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/** The names of the shared rules ('$evaluators/x', 'segments/x') that a rule uses, directly or through others. */
function sharedRulesUsed(doc: FlagSetDocument, rule: JsonValue | undefined): Set<string> {
  const used = new Set<string>();
  const stack: unknown[] = [rule];
  const follow = (section: '$evaluators' | 'segments', name: unknown) => {
    const rules = doc[section] as Record<string, JsonValue> | undefined;
    if (typeof name !== 'string' || !rules || !Object.hasOwn(rules, name) || used.has(`${section}/${name}`)) return;
    used.add(`${section}/${name}`);
    stack.push(rules[name]);
  };
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) stack.push(...node);
    else {
      const o = node as Record<string, unknown>;
      if (Object.hasOwn(o, '$ref')) follow('$evaluators', o.$ref);
      if (Object.hasOwn(o, 'segment')) follow('segments', Array.isArray(o.segment) ? o.segment[0] : o.segment);
      stack.push(...Object.values(o));
    }
  }
  return used;
}

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

export interface FlagIssue extends ValidationIssue {
  /** the flag it concerns, or null for a shared rule no flag uses (or the document as a whole) */
  flag: string | null;
}

/**
 * Each issue with the flag it concerns: an issue inside a flag belongs to it; an issue inside a shared
 * rule ($evaluators, segments) belongs to every flag that uses the rule, or to none.
 */
export function issuesByFlag(doc: FlagSetDocument, issues: ValidationIssue[]): FlagIssue[] {
  const out: FlagIssue[] = [];
  let users: Map<string, string[]> | null = null;
  for (const issue of issues) {
    const [, section, name] = issue.path.split('/');
    if (section === 'flags' && name !== undefined) {
      out.push({ flag: unescape(name), ...issue });
      continue;
    }
    if ((section !== '$evaluators' && section !== 'segments') || name === undefined) {
      out.push({ flag: null, ...issue });
      continue;
    }
    if (!users) {
      users = new Map();
      for (const [flagKey, def] of Object.entries(doc.flags ?? {})) {
        for (const rule of sharedRulesUsed(doc, def?.targeting)) users.set(rule, [...(users.get(rule) ?? []), flagKey]);
      }
    }
    const flags = users.get(`${section}/${unescape(name)}`) ?? [];
    if (flags.length === 0) out.push({ flag: null, ...issue });
    for (const flag of flags) out.push({ flag, ...issue });
  }
  return out;
}

/** Every issue of Curtain's strict checks, per flag key, of one environment's document. */
export function strictIssuesByFlag(doc: FlagSetDocument): Map<string, ValidationIssue[]> {
  const result = validateFlagSet(doc);
  const byFlag = new Map<string, ValidationIssue[]>();
  if (result.ok) return byFlag;
  for (const { flag, path, message } of issuesByFlag(doc, result.issues)) {
    if (flag !== null) byFlag.set(flag, [...(byFlag.get(flag) ?? []), { path, message }]);
  }
  return byFlag;
}

const NO_SCHEDULES: ReadonlySet<string> = new Set();
const warningCache = new WeakMap<ProjectState, Map<string, Map<string, ValidationIssue[]>>>();

/**
 * The issues of Curtain's strict checks that concern a flag in an environment: what a flag imported
 * from flagd was accepted with (the dashboard shows them on the flag). Computed once per state read.
 */
export function flagWarnings(state: ProjectState, env: EnvironmentRow, flagKey: string): ValidationIssue[] {
  let byEnv = warningCache.get(state);
  if (!byEnv) warningCache.set(state, (byEnv = new Map()));
  let byFlag = byEnv.get(env.id);
  // scheduled changes were checked strictly when saved: they carry no warnings, and leaving them out keeps a view's cost
  if (!byFlag) byEnv.set(env.id, (byFlag = strictIssuesByFlag(environmentDocument(state, env, undefined, NO_SCHEDULES))));
  return byFlag.get(flagKey) ?? [];
}

/**
 * Rejects the write if the environment's flag set, with the change applied, has an issue that it did
 * not have before, or any issue under `changed` (the parts the write rewrote: those are checked
 * strictly; '' for everything). Older issues, such as the warnings of a flag imported from flagd,
 * never block a write to another flag. Releases are always checked strictly (their flags and variants).
 * `scheduled` limits the scheduled changes checked to those flags': a change of one flag's config cannot make
 * another flag's scheduled change invalid, so its cost does not grow with the changes pending elsewhere.
 */
export function assertValid(state: ProjectState, env: EnvironmentRow, override?: Parameters<typeof environmentDocument>[2], changed: string[] = [''], scheduled?: ReadonlySet<string>) {
  const where = state.environments.length > 1 ? ` in environment '${env.key}'` : '';
  const after = environmentDocument(state, env, override, scheduled);
  assertChange(() => environmentDocument(state, env, undefined, scheduled), after, { changed, what: `The flag definition is not valid${where}` });
  const releaseIssues = validateReleases(after);
  if (releaseIssues.length) {
    throw new ApiError('INVALID_DEFINITION', `The flag definition is not valid${where}: ${releaseIssues[0].path} ${releaseIssues[0].message}`, releaseIssues);
  }
}
