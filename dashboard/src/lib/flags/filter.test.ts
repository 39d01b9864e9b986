// The flag list's filters and per-environment status.
import { describe, expect, it } from 'vitest';
import type { Flag, FlagEnvironmentConfig } from '../api-types';
import type { FlagRelease } from '../api-types';
import { allTags, emptyQuery, envStatus, filterFlags, statusLabel } from './filter';

const config = (state: 'ENABLED' | 'DISABLED', targeting: FlagEnvironmentConfig['targeting'] = null): FlagEnvironmentConfig => ({ state, defaultVariant: 'off', targeting });
const flag = (key: string, extra: Partial<Flag>, dev: FlagEnvironmentConfig): Flag => ({
  key, type: 'boolean', description: '', tags: [], variants: { on: true, off: false }, clientVisible: false, metadata: {}, archived: false,
  environments: { development: dev }, createdAt: '', updatedAt: '', ...extra
});

const flags = [
  flag('checkout-v2', { description: 'New checkout', tags: ['payments'] }, config('ENABLED')),
  flag('search-beta', { tags: ['search', 'q4'] }, config('ENABLED', { if: [{ segment: 'beta' }, 'on'] })),
  flag('banner', { type: 'string', variants: { a: 'A', b: 'B' } }, config('DISABLED', { fractional: [['a', 1], ['b', 1]] })),
  flag('canary', {}, config('ENABLED', { fractional: [['on', 10], ['off', 90]] }))
];

describe('flag filters', () => {
  it('searches key and description, case-insensitively', () => {
    expect(filterFlags(flags, { ...emptyQuery(), text: 'CHECKOUT' }, 'development').map((f) => f.key)).toEqual(['checkout-v2']);
    expect(filterFlags(flags, { ...emptyQuery(), text: 'new check' }, 'development').map((f) => f.key)).toEqual(['checkout-v2']);
  });

  it('filters by tag, type and status in the environment', () => {
    expect(filterFlags(flags, { ...emptyQuery(), tag: 'q4' }, 'development').map((f) => f.key)).toEqual(['search-beta']);
    expect(filterFlags(flags, { ...emptyQuery(), type: 'string' }, 'development').map((f) => f.key)).toEqual(['banner']);
    expect(filterFlags(flags, { ...emptyQuery(), status: 'off' }, 'development').map((f) => f.key)).toEqual(['banner']);
    expect(filterFlags(flags, { ...emptyQuery(), status: 'rules' }, 'development').map((f) => f.key)).toEqual(['search-beta']);
    expect(filterFlags(flags, { ...emptyQuery(), status: 'off' }, 'production')).toHaveLength(4);
  });

  it('tells off, on, rules and a split apart, with the split’s first share', () => {
    expect(flags.map((f) => envStatus(f.environments.development))).toEqual(['on', 'rules', 'off', 'split']);
    expect(statusLabel(flags[3].environments.development)).toBe('on 10.00 %');
    expect(statusLabel(undefined)).toBe('Off');
  });

  it('shows the owning release over the flag’s own status, and filters on it', () => {
    const rolling: FlagRelease = { key: 'c', name: 'Canary', state: 'rolling_out', killed: false, percent: 10, nextStepAt: null, inside: 'on', outside: 'off', owns: true };
    const inRelease = [...flags.slice(0, 1), flag('search-beta', {}, { ...flags[1].environments.development, release: rolling }), ...flags.slice(2)];
    expect(envStatus(inRelease[1].environments.development)).toBe('rolling_out');
    expect(statusLabel(inRelease[1].environments.development)).toBe('rolling out 10 %');
    expect(filterFlags(inRelease, { ...emptyQuery(), inRelease: true }, 'development').map((f) => f.key)).toEqual(['search-beta']);
    expect(filterFlags(inRelease, { ...emptyQuery(), status: 'rolling_out' }, 'development').map((f) => f.key)).toEqual(['search-beta']);
    expect(filterFlags(inRelease, { ...emptyQuery(), status: 'rules' }, 'development')).toEqual([]);
    expect(filterFlags(flags, { ...emptyQuery(), inRelease: true }, 'development')).toEqual([]);
  });

  it('keeps only flags ready to clean up with the stale filter', () => {
    const stale = [{ ...flags[0], stale: { reason: 'released' as const, since: '2027-01-01T00:00:00Z', stillInCode: ['production'] } }, ...flags.slice(1)];
    expect(filterFlags(stale, { ...emptyQuery(), stale: true }, 'development').map((f) => f.key)).toEqual([flags[0].key]);
    expect(filterFlags(flags, { ...emptyQuery(), stale: true }, 'development')).toEqual([]);
  });

  it('shows the flag’s own status once its release has ended, and still finds it by how the release ended', () => {
    const killed: FlagRelease = { key: 'c', name: 'Canary', state: 'rolled_back', killed: true, percent: 0, nextStepAt: null, inside: 'on', outside: 'off', owns: false };
    const after = flag('checkout-v2', {}, { state: 'ENABLED', defaultVariant: 'off', targeting: null, release: killed });
    expect(envStatus(after.environments.development)).toBe('on');
    expect(statusLabel(after.environments.development, after.variants)).toBe('On: off');
    expect(filterFlags([after], { ...emptyQuery(), status: 'killed' }, 'development')).toHaveLength(1);
    expect(filterFlags([after], { ...emptyQuery(), inRelease: true }, 'development')).toHaveLength(0);
  });

  it('says which variant everyone gets when it is not simply on', () => {
    expect(statusLabel({ state: 'ENABLED', defaultVariant: 'on', targeting: null }, { on: true, off: false })).toBe('On');
    expect(statusLabel({ state: 'ENABLED', defaultVariant: 'red', targeting: null }, { red: '#f00', blue: '#00f' })).toBe('On: red');
    expect(statusLabel({ state: 'ENABLED', defaultVariant: null, targeting: null }, { on: true })).toBe('On: code default');
  });

  it('hides archived flags unless asked to show them', () => {
    const withArchived = [...flags, flag('retired', { archived: true }, config('DISABLED'))];
    expect(filterFlags(withArchived, emptyQuery(), 'development').map((f) => f.key)).not.toContain('retired');
    expect(filterFlags(withArchived, { ...emptyQuery(), showArchived: true }, 'development').map((f) => f.key)).toContain('retired');
  });

  it('lists every tag once, sorted', () => {
    expect(allTags(flags)).toEqual(['payments', 'q4', 'search']);
  });
});
