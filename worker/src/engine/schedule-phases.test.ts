// Scheduled changes as phases: a split that keeps the rules, and each phase validated where it starts.
import { describe, expect, it } from 'vitest';
import { compileFlagSet, evaluateFlag, validateFlagSet } from './index';
import { schedulePhases, withFallthrough } from './schedule-phases';
import type { FlagDefinition, JsonValue } from './types';

const split: JsonValue = { fractional: [['red', 90], ['green', 10]] };

describe('withFallthrough', () => {
  it.each<[string, JsonValue | undefined, JsonValue]>([
    ['no rules: the split alone', undefined, split],
    ['empty rules: the split alone', {}, split],
    ['a bare split is replaced', { fractional: [['red', 50], ['blue', 50]] }, split],
    ['an if chain without else gets it as else', { if: [{ '==': [{ var: 'c' }, 'DE'] }, 'blue'] }, { if: [{ '==': [{ var: 'c' }, 'DE'] }, 'blue', split] }],
    ['an else variant is replaced', { if: [{ '==': [{ var: 'c' }, 'DE'] }, 'blue', 'red'] }, { if: [{ '==': [{ var: 'c' }, 'DE'] }, 'blue', split] }],
    ['an else null is replaced', { if: [{ '==': [{ var: 'c' }, 'DE'] }, 'blue', null] }, { if: [{ '==': [{ var: 'c' }, 'DE'] }, 'blue', split] }],
    ['an else split is replaced', { if: [{ '==': [{ var: 'c' }, 'DE'] }, 'blue', { fractional: [['red', 1]] }] }, { if: [{ '==': [{ var: 'c' }, 'DE'] }, 'blue', split] }],
    ['a nested else chain gets it at its end', { if: [{ var: 'a' }, 'blue', { if: [{ var: 'b' }, 'red'] }] }, { if: [{ var: 'a' }, 'blue', { if: [{ var: 'b' }, 'red', split] }] }],
    ['any other rule stays whole in front of it', { or: [{ var: 'x' }, null] }, { if: [{ '!==': [{ or: [{ var: 'x' }, null] }, null] }, { or: [{ var: 'x' }, null] }, split] }],
  ])('%s', (_name, targeting, expected) => expect(withFallthrough(targeting, split)).toEqual(expected));

  it('serves the rules first and the split to everyone they leave to the default', () => {
    const flag: FlagDefinition = { state: 'ENABLED', variants: { blue: 'blue', red: 'red', green: 'green' }, defaultVariant: 'red', targeting: { if: [{ in: [{ var: 'country' }, ['DE', 'FR']] }, 'blue', null] } };
    const [phase] = schedulePhases({ ...flag, schedule: [{ at: '2030-01-01T00:00:00Z', split: [['red', 90], ['green', 10]] }] });
    const set = compileFlagSet({ flags: { f: phase.def } });
    expect(evaluateFlag(set, 'f', { targetingKey: 'a', country: 'DE' }, { now: 0 }).value).toBe('blue');
    const values = new Set(Array.from({ length: 200 }, (_, i) => evaluateFlag(set, 'f', { targetingKey: `u${i}`, country: 'US' }, { now: 0 }).value));
    expect(values).toEqual(new Set(['red', 'green']));
  });
});

describe('schedulePhases', () => {
  it('applies the changes in time order, each over the one before', () => {
    const base: FlagDefinition = { state: 'DISABLED', variants: { a: 'a', b: 'b' }, defaultVariant: 'a' };
    const phases = schedulePhases({ ...base, schedule: [{ at: '2030-01-02T00:00:00Z', defaultVariant: 'b' }, { at: '2030-01-01T00:00:00Z', state: 'ENABLED' }] });
    expect(phases.map((p) => [p.index, p.def.state, p.def.defaultVariant])).toEqual([
      [1, 'ENABLED', 'a'],
      [0, 'ENABLED', 'b'],
    ]);
  });
});

describe('validation of scheduled changes', () => {
  const flagWith = (schedule: unknown[]) => ({ flags: { f: { state: 'ENABLED', variants: { a: 'a', c: 'c' }, defaultVariant: 'a', schedule } } });
  const paths = (doc: unknown) => {
    const r = validateFlagSet(doc);
    return r.ok ? [] : r.issues.map((i) => i.path);
  };

  it('accepts valid changes, a rule removal (null) and a split after the rules', () => {
    expect(paths(flagWith([{ at: '2030-01-01T00:00:00Z', defaultVariant: 'c' }, { at: '2030-01-02T00:00:00Z', targeting: null }, { at: '2030-01-03T00:00:00Z', split: [['a', 1], ['c', 1]] }]))).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a default variant the flag lacks', { at: '2030-01-01T00:00:00Z', defaultVariant: 'b' }, '/flags/f/schedule/0/defaultVariant'],
    ['an unreadable time', { at: 'soon', state: 'ENABLED' }, '/flags/f/schedule/0/at'],
    ['a bad state', { at: '2030-01-01T00:00:00Z', state: 'ON' }, '/flags/f/schedule/0/state'],
    ['a split to a variant the flag lacks', { at: '2030-01-01T00:00:00Z', split: [['b', 1]] }, '/flags/f/schedule/0/split/0'],
    ['both rules and a split', { at: '2030-01-01T00:00:00Z', split: [['a', 1]], targeting: {} }, '/flags/f/schedule/0'],
    ['rules that do not compile', { at: '2030-01-01T00:00:00Z', targeting: { nope: [] } }, '/flags/f/schedule/0/targeting/nope'],
  ])('refuses %s, at the change', (_name, change, path) => {
    expect(paths(flagWith([change]))[0]).toBe(path);
  });
});
