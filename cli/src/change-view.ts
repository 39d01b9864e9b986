// Change requests in words: a held write's 202 as the outcome a pipeline waits on (exit 8), a request's state,
// review and change, and how its target moved since it was made. Pure: the commands are in changes.ts.
import type { Schemas } from './api';
import { EXIT, Outcome, plural, table } from './output';

export type ChangeRequest = Schemas['ChangeRequest'];
export interface Drift {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** The request with its dashboard page as an absolute URL (the API gives it relative to the deployment's origin). */
export function absolute(request: ChangeRequest, base: string): ChangeRequest {
  return /^https?:\/\//.test(request.url) ? request : { ...request, url: new URL(request.url, `${base}/`).href };
}

/** `--project P` when the connection's project is not the default one, so that a printed command works as it is. */
const projectArg = (project: string) => (project === 'default' ? '' : ` --project ${project}`);

/** A write a protected environment held: the request's id and page, what it needs, and how a pipeline waits for it. */
export function heldOutcome(held: ChangeRequest, base: string, project: string): Outcome {
  const request = absolute(held, base);
  const where = request.environment ? `${request.environment} is protected` : 'the environment is protected';
  return new Outcome({ changeRequest: request }, [
    `held for approval: ${where}, so this opened change request ${request.id} (${request.summary}); nothing has changed yet`,
    `  it needs ${plural(request.requiredApprovals, 'approval')} by someone other than ${request.author.name}, then someone to apply it: ${request.url}`,
    `  → curtain changes wait ${request.id}${projectArg(project)} waits until it is applied (--apply applies it once approved)`,
  ], EXIT.pending);
}

const at = (iso: string | null | undefined) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '');
const count = (r: ChangeRequest) => `${r.approvals.length} of ${r.requiredApprovals}`;

/** Where a request stands, in a few words. */
export function stateWords(r: ChangeRequest): string {
  switch (r.state) {
    case 'open':
      return `open, ${count(r)} approvals, expires ${at(r.expiresAt)}`;
    case 'approved':
      return `approved (${count(r)}), ready to apply, expires ${at(r.expiresAt)}`;
    case 'applied':
      return `applied${r.appliedBy ? ` by ${r.appliedBy.name}` : ''} ${at(r.appliedAt)}`;
    case 'rejected':
      return `rejected${r.rejection ? ` by ${r.rejection.name} ${at(r.rejection.at)}${r.rejection.comment ? `: "${r.rejection.comment}"` : ''}` : ''}`;
    case 'expired':
      return `expired ${at(r.expiresAt)} without being applied`;
  }
}

export function listLines(requests: ChangeRequest[]): string[] {
  return table([
    ['ID', 'STATE', 'ENV', 'APPROVALS', 'AUTHOR', 'CREATED', 'SUMMARY'],
    ...requests.map((r) => [r.id, r.state, r.environment ?? '', count(r), r.author.name, at(r.createdAt), r.summary]),
  ]);
}

const short = (value: unknown) => {
  const text = value === undefined ? '(none)' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

export const driftLines = (diff: Drift[], indent = '  ') => diff.map((d) => `${indent}${d.path || '/'}: ${short(d.before)} → ${short(d.after)}`);

const MAX_CHANGE_LINES = 40;

/** A request in full: what it changes (the exact write held), who reviewed it, and whether its target moved since. */
export function describeRequest(r: ChangeRequest, diff: Drift[] | null): string[] {
  const body = r.change.body === undefined || r.change.body === null ? [] : JSON.stringify(r.change.body, null, 2).split('\n');
  const query = Object.entries(r.change.query).filter(([, v]) => v !== undefined);
  return [
    `${r.id}: ${r.summary}`,
    `  state: ${stateWords(r)}`,
    `  kind: ${r.kind}, in ${r.environment ?? 'the project'} (project ${r.project})`,
    `  author: ${r.author.name}, ${at(r.createdAt)}${r.updatedAt !== r.createdAt ? ` (last edited ${at(r.updatedAt)})` : ''}`,
    ...r.approvals.map((a) => `  approved by ${a.name} ${at(a.at)}${a.comment ? `: "${a.comment}"` : ''}`),
    `  url: ${r.url}`,
    ...(query.length ? [`  options: ${query.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`] : []),
    ...(body.length ? ['  change:', ...body.slice(0, MAX_CHANGE_LINES).map((l) => `    ${l}`), ...(body.length > MAX_CHANGE_LINES ? [`    … ${body.length - MAX_CHANGE_LINES} more lines (--json shows all)`] : [])] : []),
    ...(diff === null
      ? []
      : diff.length
        ? ['  its target changed since the request was made (apply will be refused: review it again):', ...driftLines(diff, '    ')]
        : r.state === 'open' || r.state === 'approved'
          ? ['  its target is as it was when the request was made: applying it changes exactly what was reviewed']
          : []),
  ];
}
