// What the CLI reads from people: durations, release steps, token expiries and lists, and flag keys in source lines.
import { describe, expect, it } from 'vitest';
import { parseDuration } from './options';
import { parseSteps } from './release';
import { parseExpiry, parseList } from './tokens';
import { OPENFEATURE_CALLS, referencesIn } from './scan';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['30', 30_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
  ])('%s is %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '-1s', '5 minutes', '1w'])('refuses %j', (text) => expect(() => parseDuration(text)).toThrow('not a duration'));
});

describe('token expiries and key lists', () => {
  const now = Date.parse('2026-12-07T12:00:00.000Z');
  it.each([
    ['30d', '2027-01-06T12:00:00.000Z'],
    ['12h', '2026-12-08T00:00:00.000Z'],
    ['90', '2027-03-07T12:00:00.000Z'],
    ['2027-01-31', '2027-01-31T00:00:00.000Z'],
    ['2027-01-31T12:30:00+01:00', '2027-01-31T11:30:00.000Z'],
  ])('%s is %s', (text, iso) => expect(parseExpiry(text, now)).toBe(iso));

  it.each(['soon', '1w', 'tomorrow', '2027-13-45'])('refuses %j', (text) => expect(() => parseExpiry(text, now)).toThrow('neither a duration'));
  it('refuses a time in the past', () => expect(() => parseExpiry('2026-12-01', now)).toThrow('is in the past'));
  it('reads comma-separated keys', () => {
    expect(parseList('shop, web,,')).toEqual(['shop', 'web']);
    expect(() => parseList(' , ')).toThrow('one or more keys');
  });
});

describe('release steps', () => {
  it('reads percent:hold pairs, the hold in minutes unless it has a unit', () => {
    expect(parseSteps('1:1h, 10:90, 50%:1d,100')).toEqual([
      { percent: 1, holdMinutes: 60 },
      { percent: 10, holdMinutes: 90 },
      { percent: 50, holdMinutes: 1440 },
      { percent: 100, holdMinutes: 0 },
    ]);
  });

  it.each(['0', '150', 'half:1h', '5:soon'])('refuses %j', (text) => expect(() => parseSteps(text)).toThrow());
});

describe('flag references in a line of code', () => {
  const keys = { keys: new Set(['new-checkout', 'theme', 'a.b_c']), calls: [] };
  it('finds literals in any quote that equal a key, not keys inside longer strings', () => {
    const text = [`get("new-checkout") || get('theme')`, 'const t = `a.b_c`;', `'new-checkout-2' "the theme" 'xnew-checkout'`, `it's 'theme'`].join('\n');
    expect(referencesIn(text, keys, 'f.ts')).toEqual([
      { key: 'new-checkout', file: 'f.ts', line: 1, how: 'literal' },
      { key: 'theme', file: 'f.ts', line: 1, how: 'literal' },
      { key: 'a.b_c', file: 'f.ts', line: 2, how: 'literal' },
      { key: 'theme', file: 'f.ts', line: 4, how: 'literal' },
    ]);
  });
});
