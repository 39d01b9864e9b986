// `curtain changes list | show | approve | reject | apply | wait`: the change requests that writes to a protected
// environment open, reviewed by another person and applied; `wait` lets a pipeline block until one is applied.
import { Option, type Command } from 'commander';
import { absolute, describeRequest, listLines, stateWords, type ChangeRequest } from './change-view';
import type { CurtainClient } from './client';
import { connect, parseDuration, withConnection, type ConnectionOpts } from './options';
import { CliError, EXIT, emit, progress } from './output';
import { seconds } from './wait';

const STATES = ['open', 'approved', 'applied', 'rejected', 'expired'] as const;

async function list(opts: ConnectionOpts & { state?: (typeof STATES)[number]; env?: string }): Promise<void> {
  const client = connect(opts);
  const { changeRequests } = await client.call('get', '/projects/{project}/change-requests', { query: { state: opts.state } });
  const shown = changeRequests.filter((r) => !opts.env || r.environment === opts.env).map((r) => absolute(r, client.base));
  emit(opts, { changeRequests: shown }, () =>
    shown.length ? listLines(shown) : `no${opts.state ? ` ${opts.state}` : ''} change requests${opts.env ? ` in ${opts.env}` : ''} in project "${client.connection.project}"`,
  );
}

const read = (client: CurtainClient, id: string) => client.call('get', '/projects/{project}/change-requests/{id}', { path: { id } });

async function show(id: string, opts: ConnectionOpts): Promise<void> {
  const client = connect(opts);
  const { changeRequest, diff } = await read(client, id);
  const request = absolute(changeRequest, client.base);
  emit(opts, { changeRequest: request, diff }, () => describeRequest(request, diff));
}

type ReviewOpts = ConnectionOpts & { comment?: string };

async function approve(id: string, opts: ReviewOpts): Promise<void> {
  const client = connect(opts);
  const { changeRequest } = await client.call('post', '/projects/{project}/change-requests/{id}/approve', { path: { id }, body: { comment: opts.comment } });
  const r = absolute(changeRequest, client.base);
  emit(opts, { changeRequest: r }, () => [
    `approved change request ${r.id} (${r.summary}): ${stateWords(r)}`,
    r.state === 'approved' ? `  → apply it: curtain changes apply ${r.id}` : `  it needs ${r.requiredApprovals - r.approvals.length} more approval(s) by others`,
  ]);
}

async function reject(id: string, opts: ReviewOpts): Promise<void> {
  const client = connect(opts);
  const { changeRequest } = await client.call('post', '/projects/{project}/change-requests/{id}/reject', { path: { id }, body: { comment: opts.comment } });
  const r = absolute(changeRequest, client.base);
  emit(opts, { changeRequest: r }, () => `rejected change request ${r.id} (${r.summary}): nothing was changed`);
}

async function applyRequest(client: CurtainClient, id: string) {
  const answer = await client.call('post', '/projects/{project}/change-requests/{id}/apply', { path: { id } });
  return { ...answer, changeRequest: absolute(answer.changeRequest, client.base) };
}

const appliedLines = (r: ChangeRequest) => [
  `applied change request ${r.id} (${r.summary})${r.appliedBy ? ` by ${r.appliedBy.name}` : ''}: written as ${r.author.name}'s change, approved by ${r.approvals.map((a) => a.name).join(', ') || 'nobody'}`,
  ...(r.environment ? [`  live at the edge within seconds (\`curtain wait --env ${r.environment}\` waits for it)`] : []),
];

async function apply(id: string, opts: ConnectionOpts): Promise<void> {
  const answer = await applyRequest(connect(opts), id);
  emit(opts, answer, () => appliedLines(answer.changeRequest));
}

interface WaitOpts extends ConnectionOpts {
  timeout: number;
  interval: number;
  apply?: boolean;
}

/** The request is over without being applied: exit 9, so that a pipeline can tell it from a timeout or a failure. */
function notApplied(r: ChangeRequest): CliError {
  return new CliError(`change request ${r.id} (${r.summary}) was not applied: ${stateWords(r)}\n  → nothing was changed; open a new one if the change is still wanted`, EXIT.notApplied, {
    code: r.state === 'rejected' ? 'CHANGE_REQUEST_REJECTED' : 'CHANGE_REQUEST_EXPIRED',
    changeRequest: r,
  });
}

async function wait(id: string, opts: WaitOpts): Promise<void> {
  const client = connect(opts);
  const started = Date.now();
  const deadline = started + opts.timeout;
  const line = progress(!opts.json);
  try {
    for (;;) {
      let r: ChangeRequest | null = null;
      let lastError = '';
      try {
        r = absolute((await read(client, id)).changeRequest, client.base);
      } catch (error) {
        // a deployment in progress may answer 5xx or not at all for a moment: keep asking until the deadline
        const details = (error as CliError).details ?? {};
        if (!(details.code === 'UNREACHABLE' || (typeof details.status === 'number' && details.status >= 500))) throw error;
        lastError = (error as Error).message.split('\n')[0];
      }
      if (r?.state === 'applied') return emit(opts, { changeRequest: r }, () => appliedLines(r));
      if (r && (r.state === 'rejected' || r.state === 'expired')) throw notApplied(r);
      if (r?.state === 'approved' && opts.apply) {
        line.done();
        const answer = await applyRequest(client, id);
        return emit(opts, answer, () => appliedLines(answer.changeRequest));
      }
      const now = Date.now();
      const where = r ? `${stateWords(r)}${r.state === 'approved' ? ': waiting for someone to apply it (or --apply)' : ''}` : lastError;
      if (now >= deadline) {
        throw new CliError(
          `change request ${id} is not applied after ${seconds(opts.timeout)}: ${where}\n  → ${r ? `${r.url} is where reviewers approve it; ` : ''}run \`curtain changes wait ${id}\` again with a longer --timeout`,
          EXIT.timeout,
          { code: 'TIMEOUT', ...(r ? { changeRequest: r } : {}) },
        );
      }
      line.update(`waiting for change request ${id}: ${where}`, seconds(now - started));
      await new Promise((resolve) => setTimeout(resolve, Math.min(opts.interval, deadline - now)));
    }
  } finally {
    line.done();
  }
}

export function changesCommand(program: Command): void {
  const changes = program.command('changes').description('change requests: writes to a protected environment held until another person approves them');
  const id = (cmd: Command) => withConnection(cmd.argument('<id>', 'the change request id (from `changes list`, or what the held write printed)'));
  withConnection(changes.command('list').description("the project's change requests, newest first"))
    .addOption(new Option('--state <state>', 'only requests in this state').choices([...STATES]))
    .option('--env <env>', 'only requests for this environment')
    .action(list);
  id(changes.command('show').description('a change request: the exact change, its reviews, and whether its target changed since')).action(show);
  id(changes.command('approve').description('approve a change request (not your own)')).option('--comment <text>', 'a note for the audit log').action(approve);
  id(changes.command('reject').description('reject a change request (its author may withdraw it this way)')).option('--comment <text>', 'why, for the author and the audit log').action(reject);
  id(changes.command('apply').description('apply an approved change request (refused when its target changed since: review it again)')).action(apply);
  id(changes.command('wait').description('wait until a change request is applied: exit 0 applied, 9 rejected or expired, 3 still waiting after --timeout'))
    .addOption(new Option('--timeout <duration>', 'give up after this long, with exit code 3 (e.g. 10m, 1h)').argParser((v) => parseDuration(v)).default(30 * 60_000, '30m'))
    .addOption(new Option('--interval <duration>', 'how often to ask (e.g. 5s)').argParser((v) => parseDuration(v)).default(2_000, '2s'))
    .option('--apply', 'apply it as soon as it is approved (the author may; approving takes someone else)')
    .action(wait);
}
