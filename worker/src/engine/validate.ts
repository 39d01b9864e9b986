// Save-time validation of a whole flag set: flagd's schemas, Curtain's extensions and the semantic checks.

import type { FlagDefinition, FlagSetDocument, JsonValue, ValidationIssue } from './types';
import { checkRule, emptyReferences, pointer, type RuleReferences } from './validate-rule';
import { checkVariantLimits, expandedSizes, MAX_EXPANDED_RULE_NODES } from './validate-limits';
import { inferFlagType } from './infer-type';
import { checkFlagCosts } from './validate-cost';
import { isPlainObject } from './rule';

export interface ValidateFlagSetOptions {
  /**
   * Accept `flags` as an array of `{ key, … }` (the flagd daemon format). By default it is accepted
   * only when the document declares flagd's daemon schema (`$schema` ending in `flagd.json`), which is
   * exactly what flagd's own schemas allow; `flags.json` (providers) and Curtain's format use a map.
   */
  flagArray?: boolean;
  /**
   * flagd's line instead of Curtain's: rules that flagd loads and evaluates although Curtain's
   * stricter checks refuse them (an unknown operator, bad arguments to `sem_ver`/`starts_with`/
   * `ends_with`, partial versions, negative `fractional` weights, a `$ref` to a missing shared rule,
   * targeting that can return a name that is not a variant) come back as `warnings`, and the
   * document is accepted. By default (strict) they are issues like any other.
   */
  lenient?: boolean;
}

/** A validation result that also carries the warnings of lenient mode (always empty when strict). */
export type FlagSetValidation =
  | { ok: true; value: FlagSetDocument; warnings: ValidationIssue[] }
  | { ok: false; issues: ValidationIssue[]; warnings: ValidationIssue[] };

const STATES = new Set(['ENABLED', 'DISABLED']);

function checkMetadata(v: unknown, path: string, issues: ValidationIssue[], stringKeys: string[] = []): void {
  if (v === undefined) return;
  if (!isPlainObject(v)) return void issues.push({ path, message: 'metadata is an object of strings, numbers and booleans' });
  for (const [k, x] of Object.entries(v)) {
    const ok = stringKeys.includes(k) ? typeof x === 'string' : typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));
    if (!ok) issues.push({ path: pointer(path, k), message: stringKeys.includes(k) ? `metadata "${k}" is a string` : 'metadata values are strings, numbers or booleans' });
  }
}

function checkFlag(key: string, flag: unknown, path: string, issues: ValidationIssue[], warnings: ValidationIssue[]): RuleReferences | null {
  if (!isPlainObject(flag)) {
    issues.push({ path, message: 'a flag is an object with state, variants and defaultVariant' });
    return null;
  }
  if (!STATES.has(flag.state as string)) issues.push({ path: pointer(path, 'state'), message: 'state is "ENABLED" or "DISABLED"' });
  const variants = flag.variants;
  if (!isPlainObject(variants)) issues.push({ path: pointer(path, 'variants'), message: 'variants is an object mapping variant names to values' });
  else if (Object.keys(variants).length === 0) issues.push({ path: pointer(path, 'variants'), message: 'a flag needs at least one variant' });
  else {
    for (const [name, v] of Object.entries(variants)) {
      if (name === '') issues.push({ path: pointer(path, 'variants'), message: 'variant names are non-empty' });
      if (v === null || Array.isArray(v) || (typeof v === 'number' && !Number.isFinite(v))) {
        issues.push({ path: pointer(pointer(path, 'variants'), name), message: 'a variant is a boolean, string, number or object' });
      }
    }
    if (inferFlagType(variants) === null && !issues.some((i) => i.path.startsWith(pointer(path, 'variants')))) {
      issues.push({ path: pointer(path, 'variants'), message: 'all variants of a flag have the same type (boolean, string, number or object)' });
    }
    checkVariantLimits(variants, pointer(path, 'variants'), issues);
  }
  const dv = flag.defaultVariant;
  if (dv !== undefined && dv !== null && typeof dv !== 'string') issues.push({ path: pointer(path, 'defaultVariant'), message: 'defaultVariant is a variant name or null' });
  else if (typeof dv === 'string' && isPlainObject(variants) && !Object.prototype.hasOwnProperty.call(variants, dv)) {
    issues.push({ path: pointer(path, 'defaultVariant'), message: `defaultVariant "${dv}" is not one of the variants (${Object.keys(variants).join(', ')})` });
  }
  checkMetadata(flag.metadata, pointer(path, 'metadata'), issues);
  const refs = flag.targeting === undefined ? emptyReferences() : checkTargeting(key, flag.targeting, variants, pointer(path, 'targeting'), issues, warnings);
  if (flag.schedule !== undefined) checkSchedule(key, flag.schedule, variants, pointer(path, 'schedule'), refs, issues, warnings);
  return refs;
}

function checkTargeting(key: string, targeting: JsonValue, variants: unknown, path: string, issues: ValidationIssue[], warnings: ValidationIssue[]): RuleReferences {
  const refs = checkRule(targeting, path, issues, warnings);
  if (isPlainObject(variants)) {
    for (const r of refs.results) {
      if (!Object.prototype.hasOwnProperty.call(variants, r.value)) {
        // flagd answers such a result with an error for this flag alone
        warnings.push({ path: r.path, message: `targeting can return "${r.value}", which is not a variant of flag "${key}"` });
      }
    }
  }
  return refs;
}

/**
 * Curtain's scheduled changes: each one valid in the phase it starts (its default variant and split name variants
 * of the flag, its rules check like the flag's own). Their references join the flag's (`into`), so that they too
 * must resolve and make no cycle. A change that names a variant the flag no longer has is an issue at that change.
 */
function checkSchedule(key: string, schedule: unknown, variants: unknown, path: string, into: RuleReferences, issues: ValidationIssue[], warnings: ValidationIssue[]): void {
  if (!Array.isArray(schedule)) return void issues.push({ path, message: 'schedule is a list of changes' });
  const hasVariant = (name: string) => isPlainObject(variants) && Object.prototype.hasOwnProperty.call(variants, name);
  const names = isPlainObject(variants) ? Object.keys(variants).join(', ') : '';
  schedule.forEach((change, i) => {
    const at = pointer(path, String(i));
    if (!isPlainObject(change)) return void issues.push({ path: at, message: 'a scheduled change is an object with "at"' });
    const when = typeof change.at === 'string' && !Number.isNaN(Date.parse(change.at)) ? change.at : null;
    if (when === null) issues.push({ path: pointer(at, 'at'), message: 'at is an RFC 3339 date-time' });
    const label = `the change scheduled for ${when ?? 'an unreadable time'}`;
    if (change.state !== undefined && !STATES.has(change.state as string)) issues.push({ path: pointer(at, 'state'), message: 'state is "ENABLED" or "DISABLED"' });
    const dv = change.defaultVariant;
    if (dv !== undefined && dv !== null && (typeof dv !== 'string' || !hasVariant(dv))) {
      issues.push({ path: pointer(at, 'defaultVariant'), message: `${label} sets the default variant to ${JSON.stringify(dv)}, which is not a variant of flag "${key}" (${names})` });
    }
    if (change.targeting !== undefined && change.split !== undefined) issues.push({ path: at, message: `${label} either replaces the rules (targeting) or sets a split after them (split), not both` });
    const merge = (r: RuleReferences) => {
      into.refs.push(...r.refs);
      into.segments.push(...r.segments);
      into.prerequisites.push(...r.prerequisites);
      into.size = Math.max(into.size, r.size);
    };
    // null removes the rules
    if (change.targeting !== undefined && change.targeting !== null) merge(checkTargeting(key, change.targeting, variants, pointer(at, 'targeting'), issues, warnings));
    if (change.split !== undefined) {
      if (!Array.isArray(change.split)) return void issues.push({ path: pointer(at, 'split'), message: 'split is a list of [variant, weight] buckets' });
      merge(checkRule({ fractional: change.split }, pointer(at, 'split'), issues, issues));
      change.split.forEach((bucket, b) => {
        const name = Array.isArray(bucket) ? bucket[0] : undefined;
        if (typeof name === 'string' && !hasVariant(name)) issues.push({ path: pointer(pointer(at, 'split'), String(b)), message: `${label} splits to "${name}", which is not a variant of flag "${key}" (${names})` });
      });
    }
  });
}

/** Names reachable from `start` through `edges` that lead back to it, or null. */
function findCycle(start: string, edges: (n: string) => Iterable<string>): string[] | null {
  const stack: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string): string[] | null => {
    for (const m of edges(n)) {
      if (m === start) return [...stack, n, m];
      if (seen.has(m)) continue;
      seen.add(m);
      stack.push(n);
      const c = visit(m);
      stack.pop();
      if (c) return c;
    }
    return null;
  };
  return visit(start);
}

/** flagd's array form to the map form, reporting missing and duplicate keys. */
function flagsToMap(flags: unknown[], issues: ValidationIssue[]): Record<string, unknown> {
  // keys come from the file: no prototype, so that "__proto__" or "constructor" are plain keys
  const map: Record<string, unknown> = Object.create(null);
  flags.forEach((f, i) => {
    const key = isPlainObject(f) ? f.key : undefined;
    if (typeof key !== 'string' || key === '') return void issues.push({ path: `/flags/${i}/key`, message: 'a flag in an array needs a non-empty "key"' });
    if (Object.prototype.hasOwnProperty.call(map, key)) return void issues.push({ path: `/flags/${i}/key`, message: `duplicate flag key "${key}"` });
    const { key: _omit, ...rest } = f as Record<string, JsonValue>;
    map[key] = rest;
  });
  return map;
}

/**
 * Validates a flag-set document before it is saved. Returns the document in Curtain's canonical form
 * (flags as a map) or every issue found, each with a JSON-pointer path to the offending node.
 */
export function validateFlagSet(doc: unknown, options: ValidateFlagSetOptions = {}): FlagSetValidation {
  const issues: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = options.lenient ? [] : issues;
  const result = (): FlagSetValidation => {
    const w = options.lenient ? warnings : [];
    if (issues.length) return { ok: false, issues, warnings: w };
    const value: FlagSetDocument = { ...(doc as unknown as FlagSetDocument), flags: flags as Record<string, FlagDefinition> };
    return { ok: true, value, warnings: w };
  };
  if (!isPlainObject(doc)) return { ok: false, issues: [{ path: '', message: 'a flag set is a JSON object with "flags"' }], warnings: [] };
  const schema = typeof doc.$schema === 'string' ? doc.$schema : '';
  if (doc.$schema !== undefined && typeof doc.$schema !== 'string') issues.push({ path: '/$schema', message: '$schema is a string' });
  let flags: Record<string, unknown>;
  if (Array.isArray(doc.flags)) {
    const allowed = options.flagArray ?? /(^|\/)flagd\.json$/.test(schema);
    if (!allowed) {
      issues.push({ path: '/flags', message: 'flags is an object keyed by flag key (an array is only accepted in a flagd daemon file, "$schema": "https://flagd.dev/schema/v0/flagd.json")' });
    }
    flags = flagsToMap(doc.flags, issues);
  } else if (isPlainObject(doc.flags)) flags = doc.flags;
  else return { ok: false, issues: [...issues, { path: '/flags', message: 'a flag set needs "flags": an object keyed by flag key' }], warnings: [] };

  checkMetadata(doc.metadata, '/metadata', issues, ['flagSetId', 'version']);
  const evaluators = doc.$evaluators === undefined ? {} : doc.$evaluators;
  const segments = doc.segments === undefined ? {} : doc.segments;
  const ruleRefs = new Map<string, RuleReferences>(); // '$evaluators/x', 'segments/x', 'flags/x'
  for (const [section, rules] of [['$evaluators', evaluators], ['segments', segments]] as const) {
    if (!isPlainObject(rules)) {
      issues.push({ path: `/${section}`, message: `${section} is an object of named rules` });
      continue;
    }
    for (const [name, rule] of Object.entries(rules)) {
      if (name === '') issues.push({ path: `/${section}`, message: 'rule names are non-empty' });
      const path = pointer(`/${section}`, name);
      ruleRefs.set(`${section}/${name}`, checkRule(rule, path, issues, warnings));
    }
  }
  const flagRefs = new Map<string, RuleReferences>();
  for (const [key, flag] of Object.entries(flags)) {
    if (key === '') issues.push({ path: '/flags', message: 'flag keys are non-empty' });
    const refs = checkFlag(key, flag, pointer('/flags', key), issues, warnings);
    if (refs) flagRefs.set(key, refs);
  }

  // References must resolve.
  const allRefs = [...ruleRefs.values(), ...flagRefs.values()];
  const has = (o: unknown, k: string) => isPlainObject(o) && Object.prototype.hasOwnProperty.call(o, k);
  for (const r of allRefs) {
    // flagd loads it; evaluating the flag is a PARSE_ERROR for that flag alone
    for (const x of r.refs) if (!has(evaluators, x.name)) warnings.push({ path: x.path, message: `no shared rule "${x.name}" in $evaluators` });
    for (const x of r.segments) if (!has(segments, x.name)) issues.push({ path: x.path, message: `no segment "${x.name}" in segments` });
    for (const x of r.prerequisites) {
      const target = flags[x.flag];
      if (!has(flags, x.flag)) issues.push({ path: x.path, message: `prerequisite names flag "${x.flag}", which does not exist` });
      else if (isPlainObject(target) && isPlainObject(target.variants)) {
        for (const v of x.variants) {
          if (!has(target.variants, v)) issues.push({ path: x.path, message: `flag "${x.flag}" has no variant "${v}"` });
        }
      }
    }
  }

  // No cycles: $ref -> $ref, segment -> segment, flag -> prerequisite flag (through shared rules and segments).
  const rulesOf = (node: string): RuleReferences | undefined => (node.startsWith('flags/') ? flagRefs.get(node.slice(6)) : ruleRefs.get(node));
  const edges = (node: string): string[] => {
    const r = rulesOf(node);
    if (!r) return [];
    return [...r.refs.map((x) => `$evaluators/${x.name}`), ...r.segments.map((x) => `segments/${x.name}`), ...r.prerequisites.map((x) => `flags/${x.flag}`)];
  };
  const reported = new Set<string>();
  for (const node of [...[...flagRefs.keys()].map((k) => `flags/${k}`), ...ruleRefs.keys()]) {
    const cycle = findCycle(node, edges);
    if (!cycle) continue;
    const id = [...new Set(cycle)].sort().join('|');
    if (reported.has(id)) continue;
    reported.add(id);
    const [section, ...rest] = node.split('/');
    issues.push({ path: pointer(`/${section}`, rest.join('/')), message: `reference cycle: ${cycle.join(' -> ')}` });
  }

  // Bounded work per evaluation: shared rules used twice per level grow exponentially once expanded.
  if (reported.size === 0) {
    const expanded = expandedSizes(rulesOf);
    for (const key of flagRefs.keys()) {
      if (expanded(`flags/${key}`) > MAX_EXPANDED_RULE_NODES) {
        issues.push({
          path: pointer(pointer('/flags', key), 'targeting'),
          message: `the targeting expands to more than ${MAX_EXPANDED_RULE_NODES} rule nodes once the shared rules ($ref), segments and prerequisites it uses are counted at each use; use them fewer times`,
        });
      }
    }
    // Bounded cost per evaluation: what the worst context the request limits allow can make each flag do.
    checkFlagCosts({ flags, evaluators: isPlainObject(evaluators) ? evaluators : {}, segments: isPlainObject(segments) ? segments : {} }, flagRefs.keys(), issues);
  }
  return result();
}
