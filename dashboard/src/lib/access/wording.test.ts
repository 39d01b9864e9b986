import { describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../api-types-governance';
import { protectedTitle, requestProgress, whyNotApprove } from './wording';

const request = (over: Partial<ChangeRequest> = {}): ChangeRequest => ({
  id: 'abcdefghijklmnop', state: 'open', kind: 'flag.configure', summary: "change state of flag 'f' in production", project: 'default', environment: 'production',
  change: { params: {}, query: {}, body: { state: 'ENABLED' } }, base: null, author: { id: 'tok1', name: 'ed' }, requiredApprovals: 2, approvals: [],
  rejection: null, appliedBy: null, appliedAt: null, expiresAt: '2026-12-14T00:00:00Z', createdAt: '2026-12-07T00:00:00Z', updatedAt: '2026-12-07T00:00:00Z',
  url: '/requests/abcdefghijklmnop?project=default', ...over
});

describe('governance in words', () => {
  it('says what the lock means for the caller', () => {
    const env = { name: 'Production', requiredApprovals: 2 };
    expect(protectedTitle(env, { allowed: true, held: true, reason: '' })).toBe('Production is protected: your changes there wait for 2 approvals by someone else');
    expect(protectedTitle(env, { allowed: true, held: false, reason: '' })).toContain('as an admin there');
    expect(protectedTitle(env, { allowed: false, held: false, reason: 'no' })).toBe('Production is protected');
  });

  it('counts approvals and names who ended a request', () => {
    expect(requestProgress(request())).toBe('0 of 2 approvals');
    expect(requestProgress(request({ state: 'rejected', rejection: { id: 'x', name: 'maya', at: '', comment: 'not now' } }))).toBe('rejected by maya: “not now”');
    expect(requestProgress(request({ state: 'applied', appliedBy: { id: 'x', name: 'rel' } }))).toBe('applied by rel');
  });

  it('never lets the author approve their own request, nor anyone twice', () => {
    expect(whyNotApprove(request(), 'tok1')).toMatch(/someone else approves/);
    expect(whyNotApprove(request({ approvals: [{ id: 'tok2', name: 'a', at: '', comment: null }] }), 'tok2')).toMatch(/already/);
    expect(whyNotApprove(request(), 'tok2')).toBeNull();
    expect(whyNotApprove(request({ state: 'expired' }), 'tok2')).toBe('It is expired.');
  });
});

describe('grants in words', () => {
  it('names the role, its projects and its environments', async () => {
    const { grantText } = await import('./wording');
    expect(grantText({ role: 'admin', projects: null, environments: null })).toBe('admin in every project');
    expect(grantText({ role: 'editor', projects: ['default'], environments: ['staging'] })).toBe('editor in default (staging only; reads the rest)');
  });
});
