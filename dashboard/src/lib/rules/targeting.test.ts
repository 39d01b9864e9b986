// The rule builder reads every rule back unchanged (the engine's own cases and a table of our own), shows the
// common shapes as forms rather than JSON, and writes JSON the engine accepts.
import { describe, expect, it } from 'vitest';
import cases from '../../../../worker/src/engine/cases.json';
import { validateTargeting } from '../../../../worker/src/engine/validate-rule';
import { conditionToJson, parseCondition, withOperator, type BuilderCondition } from './conditions';
import type { JsonValue } from './json';
import { OPERATORS } from './operators';
import { jsonParts, parseMatch, parseOutcome, parseTargeting, targetingToJson, type Targeting } from './targeting';

const roundTrip = (json: JsonValue) => targetingToJson(parseTargeting(json));

const engineRules: [string, JsonValue][] = [
  ...cases.rules.map((c) => [`rule: ${c.name}`, c.rule as unknown as JsonValue] as [string, JsonValue]),
  ...Object.entries(cases.flagSets).flatMap(([set, doc]) => [
    ...Object.entries(doc.flags).flatMap(([key, flag]) =>
      'targeting' in flag ? [[`${set}/${key}`, flag.targeting as unknown as JsonValue] as [string, JsonValue]] : []
    ),
    ...Object.entries({ ...('segments' in doc ? doc.segments : {}), ...doc.$evaluators }).map(([name, rule]) => [`${set} shared ${name}`, rule as unknown as JsonValue] as [string, JsonValue])
  ])
];

describe('over the engine cases (worker/src/engine/cases.json)', () => {
  it('has rules to check', () => expect(engineRules.length).toBeGreaterThan(100));

  it.each(engineRules)('%s reads back unchanged as targeting, as a condition and as a result', (_name, rule) => {
    expect(JSON.stringify(roundTrip(rule))).toBe(JSON.stringify(rule));
    expect(JSON.stringify(targetingToJson({ form: 'if', rules: [{ match: parseMatch(rule), outcome: parseOutcome(rule) }], otherwise: null }))).toBe(
      JSON.stringify({ if: [rule, rule] })
    );
  });
});

/** Rules people write, each with how many of its parts must still need JSON (0: all shown as forms). */
const table: [string, JsonValue, number][] = [
  ['no targeting', null, 0],
  ['empty targeting object', {}, 0],
  ['flag-format.md example', { if: [{ $ref: 'isStaff' }, 'on', { segment: 'beta-testers' }, 'on', { fractional: [['on', 10], ['off', 90]] }] }, 0],
  ['equals a string', { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on'] }, 0],
  ['explicit null else', { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on', null] }, 0],
  ['not equal number', { if: [{ '!=': [{ var: 'age' }, 18] }, 'on', 'off'] }, 0],
  ['strict equality boolean', { if: [{ '===': [{ var: 'beta' }, true] }, 'on', 'off'] }, 0],
  ['!== string', { if: [{ '!==': [{ var: 'country' }, 'de'] }, 'on', 'off'] }, 0],
  ['< <= > >=', { if: [{ and: [{ '<': [{ var: 'a' }, 1] }, { '<=': [{ var: 'b' }, 2.5] }, { '>': [{ var: 'c' }, -3] }, { '>=': [{ var: 'd' }, 'm'] }] }, 'on'] }, 0],
  ['between exclusive and inclusive', { if: [{ or: [{ '<': [1, { var: 'x' }, 10] }, { '<=': [0.5, { var: 'y' }, 0.75] }] }, 'on'] }, 0],
  ['in a list', { if: [{ in: [{ var: 'country' }, ['de', 'fr', 'it']] }, 'eu', 'world'] }, 0],
  ['in a list of numbers', { if: [{ in: [{ var: 'tier' }, [1, 2, 3]] }, 'on'] }, 0],
  ['not in a list', { if: [{ '!': { in: [{ var: 'country' }, ['us']] } }, 'on'] }, 0],
  ['contains', { if: [{ in: ['@acme.com', { var: 'email' }] }, 'on'] }, 0],
  ['does not contain', { if: [{ '!': { in: ['test', { var: 'email' }] } }, 'on'] }, 0],
  ['starts_with / ends_with', { if: [{ starts_with: [{ var: 'id' }, 'adm-'] }, 'on', { ends_with: [{ var: 'email' }, '@acme.com'] }, 'on', 'off'] }, 0],
  ['sem_ver every operator', { if: [{ and: ['=', '!=', '<', '<=', '>', '>=', '^', '~'].map((op) => ({ sem_ver: [{ var: 'version' }, op, '2.1.0'] })) }, 'on'] }, 0],
  ['regex, case-insensitive regex', { if: [{ regex: [{ var: 'email' }, '^.*@acme\\.com$'] }, 'on', { regex: [{ var: 'name' }, '^ann', 'i'] }, 'on'] }, 0],
  ['after now, before an attribute', { if: [{ after: '2027-01-01T00:00:00Z' }, 'on', { before: [{ var: 'signup' }, '2026-06-01'] }, 'on'] }, 0],
  ['after a unix time', { if: [{ after: 1780272000 }, 'on'] }, 0],
  ['ip_in', { if: [{ ip_in: [{ var: 'ip' }, ['10.0.0.0/8', '2001:db8::/32']] }, 'on'] }, 0],
  ['segment, $ref, prerequisite', { if: [{ or: [{ segment: 'beta' }, { $ref: 'isStaff' }, { prerequisite: ['new-checkout', 'on'] }, { prerequisite: ['x', ['a', 'b']] }] }, 'on'] }, 0],
  ['split by targeting key', { fractional: [['on', 10], ['off', 90]] }, 0],
  ['split to 0.01 %', { fractional: [['on', 1], ['off', 9999]] }, 0],
  ['split by an attribute in a rule', { if: [{ '==': [{ var: 'plan' }, 'pro'] }, { fractional: [{ var: 'email' }, ['a', 50], ['b', 50]] }, 'a'] }, 0],
  ['and with one condition', { if: [{ and: [{ '==': [{ var: 'a' }, 1] }] }, 'on'] }, 0],
  ['$flagd attributes', { if: [{ '>=': [{ var: '$flagd.timestamp' }, 1780272000] }, 'on'] }, 0],
  // shapes kept as JSON, each part on its own
  ['a computed result', { if: [{ '==': [{ var: 'color' }, 'blue'] }, 'blue', { var: 'pick' }] }, 1],
  ['var with a default', { if: [{ '==': [{ var: ['plan', 'free'] }, 'pro'] }, 'on'] }, 1],
  ['reversed comparison', { if: [{ '==': ['pro', { var: 'plan' }] }, 'on'] }, 1],
  ['null literal', { if: [{ '==': [{ var: 'plan' }, null] }, 'on'] }, 1],
  ['mixed list', { if: [{ in: [{ var: 'x' }, ['a', 1]] }, 'on'] }, 1],
  ['! in array form', { if: [{ '!': [{ in: [{ var: 'c' }, ['us']] }] }, 'on'] }, 1],
  ['bare [variant] bucket', { fractional: [['on'], ['off', 3]] }, 1],
  ['computed weight', { fractional: [['on', { '+': [1, 2] }], ['off', 3]] }, 1],
  ['bucket by an expression', { fractional: [{ cat: [{ var: 'a' }, { var: 'b' }] }, ['on', 1], ['off', 1]] }, 1],
  ['prerequisite with a one-element list', { if: [{ prerequisite: ['x', ['a']] }, 'on'] }, 1],
  ['regex with other flags', { if: [{ regex: [{ var: 'e' }, 'a', ''] }, 'on'] }, 1],
  ['ip_in with one range', { if: [{ ip_in: [{ var: 'ip' }, '10.0.0.0/8'] }, 'on'] }, 1],
  ['nested if as else', { if: [{ '==': [{ var: 'a' }, 1] }, 'on', { if: [{ '==': [{ var: 'b' }, 1] }, 'on', 'off'] }] }, 1],
  ['a boolean-valued rule', { '==': [{ var: 'tier' }, 'gold'] }, 1],
  ['nested and in or', { if: [{ or: [{ and: [{ '==': [{ var: 'a' }, 1] }, { '==': [{ var: 'b' }, 2] }] }, { '==': [{ var: 'c' }, 3] }] }, 'on'] }, 1],
  ['two operators in one object', { if: [{ '==': [{ var: 'a' }, 1], '!=': [{ var: 'b' }, 1] }, 'on'] }, 1]
];

describe('a table of rules people write', () => {
  it.each(table)('%s reads back unchanged', (_name, rule, jsonCount) => {
    const model = parseTargeting(rule);
    expect(JSON.stringify(targetingToJson(model))).toBe(JSON.stringify(rule));
    expect(jsonParts(model)).toBe(jsonCount);
  });

  it('shows the flag-format example as forms: a shared rule, a segment, then a 10/90 split for everyone else', () => {
    const model = parseTargeting(table[2][1]) as Extract<Targeting, { form: 'if' }>;
    expect(model.rules.map((r) => r.match.conditions[0])).toEqual([
      { op: 'evaluator', attribute: '', values: ['isStaff'], type: 'string' },
      { op: 'segment', attribute: '', values: ['beta-testers'], type: 'string' }
    ]);
    expect(model.otherwise).toEqual({ kind: 'split', bucketBy: null, buckets: [{ variant: 'on', weight: 10 }, { variant: 'off', weight: 90 }] });
  });

  it('keeps value types: numbers stay numbers, booleans stay booleans', () => {
    expect(parseCondition({ '==': [{ var: 'age' }, 18] })).toEqual({ op: '==', attribute: 'age', values: ['18'], type: 'number' });
    expect(parseCondition({ '==': [{ var: 'age' }, '18'] })).toEqual({ op: '==', attribute: 'age', values: ['18'], type: 'string' });
    expect(parseCondition({ '===': [{ var: 'beta' }, false] })).toMatchObject({ values: ['false'], type: 'boolean' });
  });
});

describe('what the builder writes', () => {
  const samples: Record<string, string[]> = {
    between: ['1', '10'], between_inclusive: ['1', '10'], in: ['de', 'fr'], not_in: ['de'], ip_in: ['10.0.0.0/8'],
    before: ['2027-01-01T00:00:00Z'], after: ['2027-01-01'], prerequisite: ['on', 'off']
  };
  it.each(OPERATORS.map((o) => [o.id, o] as const))('%s: the engine accepts it, and it reads back as the same form', (id, spec) => {
    const base = withOperator({ op: '==', attribute: 'attr', values: [''], type: 'string' }, id);
    const values = samples[id] ?? [spec.types[0] === 'number' ? '5' : id.startsWith('sem_ver') ? '2.1.0' : id.startsWith('regex') ? '^a' : 'x'];
    const condition: BuilderCondition = { ...base, attribute: spec.subject === 'none' ? '' : 'attr', values };
    const json = conditionToJson(condition);
    expect(validateTargeting({ if: [json, 'on', 'off'] })).toEqual([]);
    expect(parseCondition(json)).toEqual(condition);
  });

  it('compares against the evaluation time when before/after has no attribute', () => {
    expect(conditionToJson({ op: 'after', attribute: '', values: ['2027-01-01'], type: 'string' })).toEqual({ after: '2027-01-01' });
  });
});
