import { describe, expect, it } from 'vitest';
import { compareSemVer, isStrictSemVer, matchSemVer, matchVersion, parseSemVer, SEM_VER_OPERATORS, versionTest } from './sem-ver';

const cmp = (a: string, b: string) => compareSemVer(parseSemVer(a)!, parseSemVer(b)!);

describe('parseSemVer', () => {
  it('reads strict versions, with pre-release and build metadata', () => {
    expect(parseSemVer('1.2.3-beta.2+build.7')).toEqual({ major: 1, minor: 2, patch: 3, pre: ['beta', 2] });
  });
  it('strips a leading v or V, like flagd', () => {
    expect(parseSemVer('v2.0.0')).toEqual(parseSemVer('2.0.0'));
    expect(parseSemVer('V2.0.0')).toEqual(parseSemVer('2.0.0'));
  });
  it('completes partial versions', () => {
    expect(parseSemVer('1')).toEqual({ major: 1, minor: 0, patch: 0, pre: [] });
    expect(parseSemVer('1.2')).toEqual({ major: 1, minor: 2, patch: 0, pre: [] });
  });
  it('reads numbers as versions', () => {
    expect(parseSemVer(3)).toEqual({ major: 3, minor: 0, patch: 0, pre: [] });
  });
  it.each(['2.0.0.0', 'not-a-version', '', '1.2.3-', '01.2.3', 'myVersion_1'])('rejects %j', (s) => {
    expect(parseSemVer(s)).toBeNull();
  });
  it('rejects non-strings', () => {
    expect(parseSemVer(null)).toBeNull();
    expect(parseSemVer({})).toBeNull();
  });
});

describe('compareSemVer', () => {
  it('orders by major, minor, patch numerically', () => {
    expect(cmp('1.10.0', '1.9.0')).toBe(1);
    expect(cmp('2.0.0', '10.0.0')).toBe(-1);
  });
  it('puts a pre-release before its release and orders identifiers', () => {
    expect(cmp('1.0.0-alpha', '1.0.0')).toBe(-1);
    expect(cmp('1.0.0-alpha', '1.0.0-alpha.1')).toBe(-1);
    expect(cmp('1.0.0-alpha.1', '1.0.0-alpha.beta')).toBe(-1);
    expect(cmp('1.0.0-beta.2', '1.0.0-beta.11')).toBe(-1);
    expect(cmp('1.0.0-rc.1', '1.0.0-beta.11')).toBe(1);
  });
  it('ignores build metadata', () => {
    expect(cmp('1.0.0+a', '1.0.0+b')).toBe(0);
  });
});

describe('matchSemVer', () => {
  const m = (a: string, op: string, b: string) => matchSemVer(parseSemVer(a)!, op, parseSemVer(b)!);
  it('implements every flagd operator', () => {
    expect(m('2.0.0', '=', '2.0.0')).toBe(true);
    expect(m('2.0.1', '!=', '2.0.0')).toBe(true);
    expect(m('1.9.9', '<', '2.0.0')).toBe(true);
    expect(m('2.0.0', '<=', '2.0.0')).toBe(true);
    expect(m('2.0.1', '>', '2.0.0')).toBe(true);
    expect(m('2.0.0', '>=', '2.0.1')).toBe(false);
    expect(m('3.9.0', '^', '3.0.0')).toBe(true);
    expect(m('4.0.0', '^', '3.0.0')).toBe(false);
    expect(m('3.0.9', '~', '3.0.0')).toBe(true);
    expect(m('3.1.0', '~', '3.0.0')).toBe(false);
  });
  it('returns null for an unknown operator', () => {
    expect(m('1.0.0', '*', '1.0.0')).toBeNull();
  });
});

describe('isStrictSemVer', () => {
  it('accepts only MAJOR.MINOR.PATCH forms, as the flagd schema does', () => {
    expect(isStrictSemVer('1.2.3-rc.1+b')).toBe(true);
    expect(isStrictSemVer('1.2')).toBe(false);
    expect(isStrictSemVer('v1.2.3')).toBe(false);
  });
});

describe('parseSemVer fast path', () => {
  it('agrees with the full grammar on plain and unusual versions', () => {
    expect(parseSemVer('10.20.30')).toEqual({ major: 10, minor: 20, patch: 30, pre: [] });
    expect(parseSemVer('v0.0.0')).toEqual({ major: 0, minor: 0, patch: 0, pre: [] });
    expect(parseSemVer('1.02.3')).toBeNull();
    expect(parseSemVer('1..3')).toBeNull();
    expect(parseSemVer('1.2.3.')).toBeNull();
    expect(parseSemVer('1.2.3.4')).toBeNull();
  });
});

describe('matchVersion', () => {
  const raws: unknown[] = ['2.1.0', 'v2.1.0', 'V2.1.0', '2.1', '2', '02.1.0', '2.01.0', '2.1.0-beta', '2.1.0+b.7', ' 2.1.0', '2.1.0.0', '10.0.0', '0.0.0', '1.9.99', '2.2.0', '', 'v', '2.', '.1.0', '1234567890123456.0.0', 2, 2.1, null, true];
  const literals = ['2.1.0', '2.1.0-rc.1', '1.0.0', '2.0.0', '3.0.0'];
  it.each(raws.map((raw) => ({ raw })))('compares $raw like parse + match, for every operator and literal', ({ raw }) => {
    const a = parseSemVer(raw);
    for (const lit of literals) {
      const b = parseSemVer(lit)!;
      for (const op of [...SEM_VER_OPERATORS, '?']) expect([op, lit, matchVersion(raw, op, b)]).toEqual([op, lit, a ? matchSemVer(a, op, b) : null]);
    }
  });

  it('with a key, compares the attribute of that name exactly as it compares the value itself', () => {
    for (const lit of literals) {
      const b = parseSemVer(lit)!;
      for (const op of [...SEM_VER_OPERATORS, '?']) {
        const keyed = versionTest(op, b, 'appVersion');
        for (const raw of raws) expect([op, lit, raw, keyed({ appVersion: raw })]).toEqual([op, lit, raw, matchVersion(raw, op, b)]);
        // no object, or no such attribute: nothing to compare
        for (const d of [null, undefined, 'appVersion', {}, { version: '2.1.0' }]) expect([op, lit, d, keyed(d)]).toEqual([op, lit, d, null]);
      }
    }
  });

  it('with a key, reads the attribute afresh when the same object comes back changed, or another object with the same version', () => {
    const b = parseSemVer('2.1.0')!;
    const atLeast = versionTest('>=', b, 'appVersion');
    const ctx: Record<string, unknown> = { appVersion: '2.7.13' };
    expect(atLeast(ctx)).toBe(true);
    ctx.appVersion = '1.0.0'; // an SDK that reuses its context object
    expect(atLeast(ctx)).toBe(false);
    ctx.appVersion = '2.1.0-beta';
    expect(atLeast(ctx)).toBe(false);
    ctx.appVersion = 'x';
    expect(atLeast(ctx)).toBeNull();
    expect(atLeast({ appVersion: 'x' })).toBeNull();
    expect(atLeast({ appVersion: '3.0.0' })).toBe(true);
    expect(matchVersion('1.0.0', '>=', b)).toBe(false); // the value itself, between two reads of an attribute
    expect(atLeast({ appVersion: '3.0.0' })).toBe(true);
  });

  it('reads each context value afresh: the last one read is remembered, whatever is parsed in between', () => {
    const b = parseSemVer('2.1.0')!;
    const expected: [string, boolean | null, boolean | null][] = [
      ['2.7.13', true, false],
      ['2.7.13', true, false],
      ['1.0.0', false, true],
      ['1.0.0', false, true],
      ['2.1.0-beta', false, true],
      ['2.7.13', true, false],
      ['', null, null],
      ['2.7.13', true, false],
      ['x', null, null],
      ['2.0.9', false, true],
    ];
    expected.forEach(([raw], i) => {
      parseSemVer(`${i + 5}.${i}.${i}`); // a fresh plain parse overwrites the parser's scratch
      expect([raw, matchVersion(raw, '>=', b), matchVersion(raw, '<', b)]).toEqual(expected[i]);
    });
  });
});
