// A flag added to a release keeps what users get now outside, and puts the change inside.
import { describe, expect, it } from 'vitest';
import type { Flag } from '../api-types';
import { defaultChoice } from './choice';

const flag = (over: Partial<Flag>): Flag => ({
  key: 'f', type: 'string', description: '', tags: [], variants: { blue: 'blue', red: 'red', green: 'green' }, clientVisible: false, metadata: {}, archived: false,
  environments: { staging: { state: 'ENABLED', defaultVariant: 'red', targeting: null } }, createdAt: '', updatedAt: '', ...over
});

describe('the variants a release serves by default', () => {
  it('keeps what users get now outside for a string flag (not the first variant)', () => {
    expect(defaultChoice(flag({}), 'staging')).toEqual({ key: 'f', inside: 'blue', outside: 'red' });
    expect(defaultChoice(flag({}), 'production')).toEqual({ key: 'f', inside: 'red', outside: 'blue' });
  });

  it('serves true inside and false outside for a boolean', () => {
    expect(defaultChoice(flag({ type: 'boolean', variants: { off: false, on: true } }), 'staging')).toEqual({ key: 'f', inside: 'on', outside: 'off' });
  });
});
