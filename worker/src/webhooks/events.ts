// Which webhook event an audit entry is, and its payload: the audit log is the outbox (every change is audited in the
// batch that makes it), so an event is never announced for a change that did not commit, nor lost for one that did.
import type { WebhookEvent } from '../store/schema';

export const EVENTS: WebhookEvent[] = [
  'flag.changed',
  'change_request.opened',
  'change_request.approved',
  'change_request.rejected',
  'change_request.applied',
  'release.started',
  'release.step_reached',
  'release.paused',
  'release.resumed',
  'release.rolled_back',
  'release.killed',
  'release.released',
  'guardrail.fired',
  'deployment.recorded',
];

export interface AuditRecord {
  id: number;
  at: number;
  actor: string;
  actorId: string | null;
  action: string;
  resource: string;
  before: unknown;
  after: unknown;
  flags: string[] | null;
  review?: { changeRequest: string } | null;
}

const fixed: Record<string, WebhookEvent> = {
  'flag.create': 'flag.changed',
  'flag.update': 'flag.changed',
  'flag.delete': 'flag.changed',
  'flag.configure': 'flag.changed',
  'flag.schedule': 'flag.changed',
  'flag.unschedule': 'flag.changed',
  'environment.import': 'flag.changed',
  'change-request.open': 'change_request.opened',
  'change-request.reject': 'change_request.rejected',
  'change-request.apply': 'change_request.applied',
  'release.started': 'release.started',
  'release.step': 'release.step_reached',
  'release.pause': 'release.paused',
  'release.resume': 'release.resumed',
  'release.rollback': 'release.rolled_back',
  'release.kill': 'release.killed',
  'release.released': 'release.released',
  'deployment.record': 'deployment.recorded',
};

const field = (v: unknown, key: string): unknown => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined);

/** The events an audit entry announces (none for most: keys, tokens, drafts). */
export function eventsOf(entry: AuditRecord): WebhookEvent[] {
  const out: WebhookEvent[] = [];
  const mapped = fixed[entry.action];
  if (mapped) out.push(mapped);
  // a start answers `scheduled` when its time is ahead: the clock's `release.started` announces it when it comes
  if (entry.action === 'release.start' && field(entry.after, 'state') === 'rolling_out') out.push('release.started');
  if (entry.action === 'change-request.approve' && Number(field(entry.after, 'approvals')) >= Number(field(entry.after, 'requiredApprovals'))) out.push('change_request.approved');
  if ((entry.action === 'release.pause' || entry.action === 'release.rollback') && (entry.actorId === 'guardrail' || entry.actorId === 'alertmanager')) out.push('guardrail.fired');
  return out;
}

/** Where the entry happened, read from its resource (`projects/{p}/environments/{e}/…`). */
export function placeOf(resource: string) {
  const m = /^projects\/([^/]+)(?:\/environments\/([^/]+))?/.exec(resource);
  return { project: m?.[1] ?? null, environment: m?.[2] ?? null };
}

/** The standard payload (`type`, `timestamp`, `data`), as Standard Webhooks recommends. */
export function payloadOf(type: WebhookEvent, entry: AuditRecord) {
  const small = entry.action !== 'environment.import';
  return {
    type,
    timestamp: new Date(entry.at).toISOString(),
    data: {
      ...placeOf(entry.resource),
      action: entry.action,
      resource: entry.resource,
      actor: entry.actor,
      flags: entry.flags ?? [],
      auditId: entry.id,
      changeRequest: entry.review?.changeRequest ?? (entry.action.startsWith('change-request.') ? field(entry.after, 'id') ?? null : null),
      ...(small ? { before: entry.before ?? null, after: entry.after ?? null } : {}),
    },
  };
}

const words: Record<WebhookEvent, string> = {
  'flag.changed': 'changed flags',
  'change_request.opened': 'opened a change request',
  'change_request.approved': 'approved a change request',
  'change_request.rejected': 'rejected a change request',
  'change_request.applied': 'applied a change request',
  'release.started': 'started a release',
  'release.step_reached': 'moved a release to its next step',
  'release.paused': 'paused a release',
  'release.resumed': 'resumed a release',
  'release.rolled_back': 'rolled back a release',
  'release.killed': 'killed a release',
  'release.released': 'released to everyone',
  'guardrail.fired': 'fired a guardrail',
  'deployment.recorded': 'recorded a deployment',
};

/** A Slack-compatible message (incoming webhooks read `text`). */
export function slackMessage(payload: ReturnType<typeof payloadOf>) {
  const d = payload.data;
  const where = [d.project, d.environment].filter(Boolean).join('/');
  const flags = d.flags.length ? ` (${d.flags.slice(0, 5).join(', ')}${d.flags.length > 5 ? ', …' : ''})` : '';
  return { text: `Curtain · ${where}: ${d.actor} ${words[payload.type]}${flags} — ${d.resource} [${payload.type}]` };
}

/** Seconds before attempt n + 1 of a delivery: base × 2^(n−1), at most an hour. */
export const backoffSeconds = (attempts: number, base: number) => Math.min(3600, Math.round(base * 2 ** Math.max(0, attempts - 1)));
