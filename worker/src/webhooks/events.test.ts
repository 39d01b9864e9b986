import { describe, expect, it } from 'vitest';
import { backoffSeconds, eventsOf, payloadOf, slackMessage, type AuditRecord } from './events';

const entry = (action: string, extra: Partial<AuditRecord> = {}): AuditRecord => ({ id: 7, at: Date.parse('2027-01-01T00:00:00Z'), actor: 'maya', actorId: 't1', action, resource: 'projects/shop/environments/production/flags/checkout', before: null, after: null, flags: ['checkout'], ...extra });

describe('webhook events', () => {
  it('announces flag changes, deployments and release actions, and a guardrail when one acted', () => {
    expect(eventsOf(entry('flag.configure'))).toEqual(['flag.changed']);
    expect(eventsOf(entry('environment.import'))).toEqual(['flag.changed']);
    expect(eventsOf(entry('deployment.record'))).toEqual(['deployment.recorded']);
    expect(eventsOf(entry('release.step'))).toEqual(['release.step_reached']);
    expect(eventsOf(entry('release.rollback', { actorId: 'guardrail' }))).toEqual(['release.rolled_back', 'guardrail.fired']);
    expect(eventsOf(entry('release.pause', { actorId: 'alertmanager' }))).toEqual(['release.paused', 'guardrail.fired']);
    expect(eventsOf(entry('sdk-key.create'))).toEqual([]);
  });

  it('announces a start that starts now, not one scheduled (the clock announces that one when it comes)', () => {
    expect(eventsOf(entry('release.start', { after: { state: 'rolling_out' } }))).toEqual(['release.started']);
    expect(eventsOf(entry('release.start', { after: { state: 'scheduled' } }))).toEqual([]);
    expect(eventsOf(entry('release.started'))).toEqual(['release.started']);
  });

  it('announces a change request approved once it has the approvals it needs', () => {
    expect(eventsOf(entry('change-request.approve', { after: { approvals: 1, requiredApprovals: 2 } }))).toEqual([]);
    expect(eventsOf(entry('change-request.approve', { after: { approvals: 2, requiredApprovals: 2 } }))).toEqual(['change_request.approved']);
    expect(eventsOf(entry('change-request.open'))).toEqual(['change_request.opened']);
  });

  it('says where it happened and who did it, in the standard and the Slack formats', () => {
    const p = payloadOf('flag.changed', entry('flag.configure', { after: { state: 'ENABLED' } }));
    expect(p).toMatchObject({ type: 'flag.changed', timestamp: '2027-01-01T00:00:00.000Z', data: { project: 'shop', environment: 'production', actor: 'maya', flags: ['checkout'], after: { state: 'ENABLED' } } });
    expect(slackMessage(p).text).toBe('Curtain · shop/production: maya changed flags (checkout) — projects/shop/environments/production/flags/checkout [flag.changed]');
  });

  it('backs off exponentially, at most an hour', () => {
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, 30))).toEqual([30, 60, 120, 240]);
    expect(backoffSeconds(20, 30)).toBe(3600);
    expect(backoffSeconds(3, 0)).toBe(0);
  });
});
