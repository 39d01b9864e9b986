// Validation of the releases in a flag set: plans that only grow, flags and variants that exist, one release per flag.

import type { FlagSetDocument, ValidationIssue } from './types';
import { isPlainObject } from './rule';

const STATES = new Set(['scheduled', 'rolling_out', 'paused', 'released', 'rolled_back']);
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** A percentage Curtain can serve: 0.01–100, at most two decimals. */
export function percentProblem(p: unknown): string | null {
  if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0 || p > 100) return 'must be a number above 0 and at most 100';
  return Math.abs(p * 100 - Math.round(p * 100)) > 1e-9 ? 'takes at most two decimals (0.01 % steps)' : null;
}

/** Every problem with `doc.releases`, at JSON pointers under `/releases/<key>`. */
export function validateReleases(doc: FlagSetDocument): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (doc.releases === undefined) return issues;
  if (!isPlainObject(doc.releases)) return [{ path: '/releases', message: 'must be an object' }];
  const flags = isPlainObject(doc.flags) ? doc.flags : {};
  const owner = new Map<string, string>();
  for (const [key, rel] of Object.entries(doc.releases)) {
    const at = `/releases/${key}`;
    const add = (path: string, message: string) => issues.push({ path: at + path, message });
    if (!isPlainObject(rel)) {
      add('', 'must be an object');
      continue;
    }
    if (!STATES.has(rel.state as string)) add('/state', `must be one of ${[...STATES].join(', ')}`);
    if (typeof rel.salt !== 'string' || rel.salt === '') add('/salt', 'must be a non-empty string');
    if (rel.bucketBy !== undefined && (typeof rel.bucketBy !== 'string' || rel.bucketBy === '')) add('/bucketBy', 'must be a context attribute name');
    if (typeof rel.startAt !== 'string' || Number.isNaN(Date.parse(rel.startAt))) add('/startAt', 'must be an RFC 3339 date-time');
    if (rel.pausedAt !== undefined && (typeof rel.pausedAt !== 'string' || Number.isNaN(Date.parse(rel.pausedAt)))) add('/pausedAt', 'must be an RFC 3339 date-time');
    if (!Array.isArray(rel.steps) || rel.steps.length === 0) add('/steps', 'must list at least one step');
    else {
      let previous = 0;
      rel.steps.forEach((step, i) => {
        if (!isPlainObject(step)) return add(`/steps/${i}`, 'must be an object');
        const problem = percentProblem(step.percent);
        if (problem) add(`/steps/${i}/percent`, problem);
        else if ((step.percent as number) < previous) add(`/steps/${i}/percent`, 'may not be below the step before (users only ever join a rollout)');
        else previous = step.percent as number;
        if (typeof step.holdMinutes !== 'number' || !Number.isFinite(step.holdMinutes) || step.holdMinutes < 0) add(`/steps/${i}/holdMinutes`, 'must be a number of minutes, 0 or more');
      });
    }
    if (!isPlainObject(rel.flags) || Object.keys(rel.flags).length === 0) {
      add('/flags', 'must name at least one flag');
      continue;
    }
    for (const [flagKey, v] of Object.entries(rel.flags)) {
      const path = `/flags/${flagKey}`;
      const flag = hasOwn(flags, flagKey) ? flags[flagKey] : undefined;
      if (!isPlainObject(flag)) {
        add(path, `no flag "${flagKey}"`);
        continue;
      }
      const other = owner.get(flagKey);
      if (other !== undefined) add(path, `flag "${flagKey}" is already in release "${other}"`);
      else owner.set(flagKey, key);
      if (!isPlainObject(v)) {
        add(path, 'must be { inside, outside }');
        continue;
      }
      // an ended release decides nothing (only announced): the flag's variants may have changed since it ended
      if (rel.state === 'released' || rel.state === 'rolled_back') continue;
      const variants = isPlainObject(flag.variants) ? flag.variants : {};
      for (const side of ['inside', 'outside'] as const) {
        const name = v[side];
        if (typeof name !== 'string' || !hasOwn(variants, name)) add(`${path}/${side}`, `must name a variant of flag "${flagKey}"`);
      }
    }
  }
  return issues;
}
