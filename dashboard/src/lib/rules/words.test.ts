// Rules in words: every case of the engine's table is phrased or shown as its JSON (never guessed at), and the shapes
// people write read as sentences.
import { describe, expect, it } from 'vitest';
import cases from '../../../../worker/src/engine/cases.json';
import { conditionToJson, parseCondition, withOperator } from './conditions';
import type { JsonValue } from './json';
import { OPERATORS } from './operators';
import { jsonParts, parseTargeting } from './targeting';
import { conditionWords, configWords, targetingWords, wordsText, type Part } from './words';

const engineRules: [string, JsonValue][] = [
  ...cases.rules.map((c) => [`rule: ${c.name}`, c.rule as unknown as JsonValue] as [string, JsonValue]),
  ...Object.entries(cases.flagSets).flatMap(([set, doc]) =>
    Object.entries(doc.flags).flatMap(([key, flag]) => ('targeting' in flag ? [[`${set}/${key}`, flag.targeting as unknown as JsonValue] as [string, JsonValue]] : []))
  ),
  ...Object.entries(cases.flagSets).flatMap(([set, doc]) =>
    Object.entries({ ...('segments' in doc ? doc.segments : {}), ...doc.$evaluators }).map(([name, rule]) => [`${set} shared ${name}`, { if: [rule, 'on'] } as JsonValue] as [string, JsonValue])
  )
];

const jsonOf = (parts: Part[]) => parts.flatMap((p) => ('json' in p ? [JSON.stringify(p.json)] : []));

describe('over every case of the engine (worker/src/engine/cases.json)', () => {
  it('has the cases', () => expect(engineRules.length).toBeGreaterThan(140));

  it.each(engineRules)('%s: phrased where the builder reads it exactly, the rest shown as its own JSON', (_name, rule) => {
    const model = parseTargeting(rule);
    const parts = targetingWords(rule, { defaultVariant: 'off' }).flat();
    // what cannot be phrased is there, whole and visible: one JSON part for each part the builder keeps as JSON
    const expected = model.form === 'if'
      ? [...model.rules.flatMap((r) => [...r.match.conditions.flatMap((c) => (c.op === 'json' ? [JSON.stringify(c.json)] : [])), ...(r.outcome.kind === 'json' ? [JSON.stringify(r.outcome.json)] : [])]), ...(model.otherwise?.kind === 'json' ? [JSON.stringify(model.otherwise.json)] : [])]
      : model.form === 'bare' && model.outcome.kind === 'json' ? [JSON.stringify(model.outcome.json)] : [];
    expect(jsonOf(parts)).toEqual(expected);
    expect(jsonOf(parts).length).toBe(jsonParts(model));
    // and no words pretend to be JSON
    for (const p of parts) if ('text' in p) expect(p.text).not.toMatch(/[{}[\]]/);
  });
});

describe('the shapes people write', () => {
  const words = (json: JsonValue, defaultVariant: string | null = 'red') => wordsText(targetingWords(json, { defaultVariant }));

  it('reads the issue’s example as it says', () => {
    expect(words({ if: [{ in: [{ var: 'country' }, ['DE', 'FR']] }, 'blue', { fractional: [['red', 90], ['green', 10]] }] })).toBe(
      'if country is one of DE, FR → blue; otherwise 90 % red, 10 % green'
    );
  });

  it('says what no rules, one variant, a split and no else serve', () => {
    expect(words(null)).toBe('everyone gets the default variant red');
    expect(words(null, null)).toBe('everyone gets the default in the code');
    expect(words('blue')).toBe('everyone gets blue');
    expect(words({ fractional: [['on', 1], ['off', 9999]] })).toBe('everyone: 0.01 % on, 99.99 % off');
    expect(words({ fractional: [{ var: 'email' }, ['a', 1], ['b', 2]] })).toBe('everyone: split by email: 33.33 % a, 66.67 % b');
    expect(words({ if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on'] })).toBe('if plan is pro → on; otherwise → the default variant red');
  });

  it('joins conditions with and / or, and shows a part it cannot phrase as JSON', () => {
    expect(words({ if: [{ and: [{ '==': [{ var: 'plan' }, 'pro'] }, { sem_ver: [{ var: 'version' }, '>=', '2.4.0'] }] }, 'on', { or: [{ segment: 'beta' }, { $ref: 'isStaff' }] }, 'on', 'off'] })).toBe(
      'if plan is pro and version is at least 2.4.0 (semver) → on; if in the segment beta or matches the shared rule isStaff → on; otherwise → off'
    );
    expect(words({ if: [{ '==': [{ var: ['plan', 'free'] }, 'pro'] }, 'on', { var: 'pick' }] })).toBe(
      'if {"==":[{"var":["plan","free"]},"pro"]} → on; otherwise → the variant named by {"var":"pick"}'
    );
  });

  it('quotes only values that would mislead when plain', () => {
    expect(words({ if: [{ in: [{ var: 'city' }, ['Paris, TX', '', ' x']] }, 'on'] }, null)).toBe('if city is one of "Paris, TX", "", " x" → on; otherwise → the default in the code');
  });

  it('says off when the flag is off, whatever its rules', () => {
    expect(wordsText(configWords({ state: 'DISABLED', defaultVariant: 'on', targeting: { fractional: [['on', 1], ['off', 1]] } }))).toBe('off: SDKs use the default in their code');
    expect(wordsText(configWords({ state: 'ENABLED', defaultVariant: 'on', targeting: null }))).toBe('everyone gets the default variant on');
  });
});

describe('every operator of the builder', () => {
  const expected: Record<string, string> = {
    '==': 'attr is x', '!=': 'attr is not x', '===': 'attr is exactly x', '!==': 'attr is not exactly x',
    '<': 'attr is below 5', '<=': 'attr is at most 5', '>': 'attr is above 5', '>=': 'attr is at least 5',
    between: 'attr is between 1 and 10 (both excluded)', between_inclusive: 'attr is from 1 to 10',
    in: 'attr is one of de, fr', not_in: 'attr is none of de, fr', contains: 'attr contains x', not_contains: 'attr does not contain x',
    starts_with: 'attr starts with x', ends_with: 'attr ends with x', regex: 'attr matches the pattern ^a', regex_i: 'attr matches the pattern (any case) ^a',
    'sem_ver:=': 'attr is 2.1.0 (semver)', 'sem_ver:!=': 'attr is not 2.1.0 (semver)', 'sem_ver:<': 'attr is below 2.1.0 (semver)', 'sem_ver:<=': 'attr is at most 2.1.0 (semver)',
    'sem_ver:>': 'attr is above 2.1.0 (semver)', 'sem_ver:>=': 'attr is at least 2.1.0 (semver)', 'sem_ver:^': 'attr is compatible with 2.1.0 (semver)', 'sem_ver:~': 'attr is close to 2.1.0 (semver)',
    before: 'attr is before 2027-01-01', after: 'attr is after 2027-01-01', ip_in: 'attr is an IP in 10.0.0.0/8, 2001:db8::/32',
    segment: 'in the segment beta', evaluator: 'matches the shared rule isStaff', prerequisite: 'flag attr serves one of on, off'
  };
  const samples: Record<string, string[]> = {
    between: ['1', '10'], between_inclusive: ['1', '10'], in: ['de', 'fr'], not_in: ['de', 'fr'], ip_in: ['10.0.0.0/8', '2001:db8::/32'],
    before: ['2027-01-01'], after: ['2027-01-01'], prerequisite: ['on', 'off'], segment: ['beta'], evaluator: ['isStaff']
  };

  it.each(OPERATORS.map((o) => [o.id, o] as const))('%s reads as words, from the JSON the builder writes', (id, spec) => {
    const base = withOperator({ op: '==', attribute: 'attr', values: [''], type: 'string' }, id);
    const values = samples[id] ?? [spec.types[0] === 'number' ? '5' : id.startsWith('sem_ver') ? '2.1.0' : id.startsWith('regex') ? '^a' : 'x'];
    const json = conditionToJson({ ...base, attribute: spec.subject === 'none' ? '' : 'attr', values });
    expect(wordsText([conditionWords(parseCondition(json))])).toBe(expected[id]);
  });

  it('says "the time" when before/after compares with the evaluation time', () => {
    expect(wordsText(targetingWords({ if: [{ after: '2027-01-01T00:00:00Z' }, 'on'] }, { defaultVariant: 'off' }))).toBe('if the time is after 2027-01-01T00:00:00Z → on; otherwise → the default variant off');
  });
});
