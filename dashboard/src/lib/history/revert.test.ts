// Reverting from the audit log: the PATCH that restores an entry's `before`, and the diff from the flag as it is now.
import { describe, expect, it } from 'vitest';
import type { AuditEntry, Flag } from '../api-types';
import { promotionChanges, promotionPatch } from '../flags/promotion';
import { revertChanges, revertOf } from './revert';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({ id: 1, at: '', actor: 'ann', action: 'flag.configure', resource: 'projects/default/environments/production/flags/checkout', before: null, after: null, flags: ['checkout'], revertOf: null, actorId: null, review: null, ...over });
const flag: Flag = {
  key: 'checkout', type: 'boolean', description: 'now', tags: ['a'], variants: { on: true, off: false }, clientVisible: false, metadata: {}, archived: false, createdAt: '', updatedAt: '',
  environments: {
    development: { state: 'ENABLED', defaultVariant: 'on', targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on'] } },
    production: { state: 'ENABLED', defaultVariant: 'off', targeting: null }
  }
};

describe('revert', () => {
  it('puts back a configuration change’s before, in its environment', () => {
    const revert = revertOf(entry({ before: { state: 'DISABLED', defaultVariant: 'off', targeting: null }, after: { state: 'ENABLED', defaultVariant: 'off', targeting: null } }));
    expect(revert).toEqual({ kind: 'configure', flag: 'checkout', env: 'production', patch: { state: 'DISABLED', defaultVariant: 'off', targeting: null } });
    expect(revertChanges(flag, revert!)).toEqual([{ path: '/state', kind: 'changed', before: 'ENABLED', after: 'DISABLED' }]);
  });

  it('puts back a settings change’s settings, not its timestamps or environments', () => {
    const revert = revertOf(entry({ action: 'flag.update', resource: 'projects/default/flags/checkout', before: { ...flag, description: 'then', updatedAt: 'x' } as never }));
    expect(revert?.kind).toBe('update');
    expect(Object.keys(revert!.patch).sort()).toEqual(['clientVisible', 'description', 'metadata', 'tags', 'variants']);
    expect(revertChanges(flag, revert!)).toEqual([{ path: '/description', kind: 'changed', before: 'now', after: 'then' }]);
  });

  it('unarchives only when reverting the archiving itself', () => {
    const archivedNow = { ...flag, archived: true };
    const archiving = revertOf(entry({ action: 'flag.update', resource: 'projects/default/flags/checkout', before: { ...flag, archived: false } as never, after: archivedNow as never }));
    expect(archiving!.patch).toMatchObject({ archived: false });
    expect(revertChanges(archivedNow, archiving!)).toEqual([{ path: '/archived', kind: 'changed', before: true, after: false }]);
    const olderEdit = revertOf(entry({ action: 'flag.update', resource: 'projects/default/flags/checkout', before: { ...flag, description: 'then' } as never, after: flag as never }));
    expect('archived' in olderEdit!.patch).toBe(false);
    expect(revertChanges(archivedNow, olderEdit!)).toEqual([{ path: '/description', kind: 'changed', before: 'now', after: 'then' }]);
  });

  it('offers nothing for a release’s start switching the flag on (ending the release is the way back)', () => {
    expect(revertOf(entry({ before: { state: 'DISABLED', defaultVariant: 'on', targeting: null }, after: { state: 'ENABLED', defaultVariant: 'on', targeting: null, cause: { release: 'r', action: 'start' } } }))).toBeNull();
  });

  it('offers nothing for creations, deletions and other resources', () => {
    expect(revertOf(entry({ action: 'flag.create', resource: 'projects/default/flags/checkout', after: {} }))).toBeNull();
    expect(revertOf(entry({ action: 'flag.delete', resource: 'projects/default/flags/checkout', before: {} }))).toBeNull();
    expect(revertOf(entry({ action: 'sdk-key.create', resource: 'projects/default/environments/dev/sdk-keys/x', before: {} }))).toBeNull();
  });
});

describe('promotion', () => {
  it('copies the rules and default variant, and the on/off state only when asked', () => {
    expect(promotionPatch(flag, 'development', false)).toEqual({ defaultVariant: 'on', targeting: flag.environments.development.targeting });
    expect(promotionChanges(flag, 'development', 'production', false).map((c) => c.path)).toEqual(['/defaultVariant', '/targeting']);
    const off = { ...flag, environments: { ...flag.environments, production: { state: 'DISABLED' as const, defaultVariant: 'on', targeting: flag.environments.development.targeting } } };
    expect(promotionChanges(off, 'development', 'production', false)).toEqual([]);
    expect(promotionChanges(off, 'development', 'production', true)).toEqual([{ path: '/state', kind: 'changed', before: 'DISABLED', after: 'ENABLED' }]);
  });
});
