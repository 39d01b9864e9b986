// The flag list's filters and per-environment status.
import { describe, expect, it } from 'vitest';
import type { Flag, FlagEnvironmentConfig } from '../api-types';
import type { Release } from '../api-types-releases';
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

  it('shows the deciding release over the flag’s own status, and filters on it', () => {
    const rolling = { name: 'Canary', state: 'rolling_out', killed: false, status: { percent: 10 } } as Release;
    const releases = { 'search-beta': rolling };
    expect(envStatus(flags[1].environments.development, rolling)).toBe('rolling_out');
    expect(statusLabel(flags[1].environments.development, rolling)).toBe('rolling out 10 %');
    expect(filterFlags(flags, { ...emptyQuery(), inRelease: true }, 'development', releases).map((f) => f.key)).toEqual(['search-beta']);
    expect(filterFlags(flags, { ...emptyQuery(), status: 'rolling_out' }, 'development', releases).map((f) => f.key)).toEqual(['search-beta']);
    expect(filterFlags(flags, { ...emptyQuery(), status: 'rules' }, 'development', releases)).toEqual([]);
    expect(filterFlags(flags, { ...emptyQuery(), inRelease: true }, 'development')).toEqual([]);
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
