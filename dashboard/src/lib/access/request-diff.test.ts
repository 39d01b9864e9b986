import { describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../api-types-governance';
import { driftChanges, requestChange } from './request-diff';

const request = (over: Partial<ChangeRequest>): ChangeRequest => ({
  id: 'abcdefghijklmnop', state: 'open', kind: 'flag.configure', summary: 's', project: 'default', environment: 'production',
  change: { params: { project: 'default', env: 'production', flag: 'checkout' }, query: {}, body: { state: 'ENABLED' } },
  base: { flag: { id: 'x' }, environments: { production: { state: 'DISABLED', defaultVariant: 'off', targeting: null, schedule: [] } } },
  author: { id: 'a', name: 'ed' }, requiredApprovals: 1, approvals: [], rejection: null, appliedBy: null, appliedAt: null,
  expiresAt: '', createdAt: '', updatedAt: '', url: '', ...over
});

describe('a change request for its review', () => {
  it('shows a flag configuration as before and after, the held patch over its base', () => {
    expect(requestChange(request({}))).toEqual({
      kind: 'config', flag: 'checkout', env: 'production',
      before: { state: 'DISABLED', defaultVariant: 'off', targeting: null },
      after: { state: 'ENABLED', defaultVariant: 'off', targeting: null }
    });
  });

  it('shows any other write as the fields it sends', () => {
    const r = requestChange(request({ kind: 'release.start', change: { params: { env: 'production', release: 'r' }, query: {}, body: { note: 'go' } }, base: { key: 'r' } }));
    expect(r).toEqual({ kind: 'fields', changes: [{ path: '/note', kind: 'added', after: 'go' }] });
  });

  it('reads the server’s drift list', () => {
    expect(driftChanges([{ path: '/environments/production/state', before: 'DISABLED', after: 'ENABLED' }, { path: '/', before: null, after: { a: 1 } }])).toEqual([
      { path: '/environments/production/state', kind: 'changed', before: 'DISABLED', after: 'ENABLED' },
      { path: '', kind: 'added', before: undefined, after: { a: 1 } }
    ]);
  });
});
