// `curtain flags validate | diff | push | pull`: flag files in git, checked offline and synced to an environment.
// Before anything is written, a push previews the import: what running releases own, what the dormant-code guard
// refuses and what --prune deletes where it is on are said first, and refused unless the command says how to go on.
import { Option, type Command } from 'commander';
import { validateFlagSet } from '../../worker/src/engine';
import { queryFlag, type Flag, type ImportReport, type ImportResponse } from './api';
import type { CurtainClient } from './client';
import { addAttributes, attributeChanges, readAttributes, withoutAttributes } from './flag-attributes';
import { formatOf, readDocument, serialize, writeDocument, type Format } from './files';
import { liveIn } from './flag-view';
import { connect, withConnection, withEnv, withJson, type ConnectionOpts, type JsonOpts } from './options';
import { CliError, EXIT, emit, plural } from './output';
import { describePlan, importChanges, type Plan } from './flag-plan';

export interface SyncOpts extends ConnectionOpts {
  env: string;
  prune?: boolean;
  strict?: boolean;
  force?: boolean;
  releaseAction?: 'rollback' | 'kill';
  yes?: boolean;
}

function importDocument(client: CurtainClient, doc: unknown, opts: SyncOpts, dryRun: boolean): Promise<ImportResponse> {
  return client.call('put', '/projects/{project}/environments/{env}/flagd', {
    path: { env: opts.env },
    body: doc as Record<string, unknown>,
    query: { dryRun: queryFlag(dryRun), prune: queryFlag(opts.prune), strict: queryFlag(opts.strict), force: queryFlag(opts.force), releaseAction: opts.releaseAction },
  });
}

/** The file read and checked, the import previewed, and the project's flags as they are (for attributes and pruning). */
async function plan(client: CurtainClient, file: string, opts: SyncOpts): Promise<Plan> {
  const doc = await readDocument(file);
  const { attributes, issues } = readAttributes(doc);
  if (issues.length) throw new CliError(`${file}: fix the issues and try again${issues.map((i) => `\n  ${i.path}: ${i.message}`).join('')}`, EXIT.failed, { code: 'INVALID_DEFINITION', issues });
  // the import sets the attributes in the same all-or-nothing write as the rest of the file
  const body = doc;
  const [preview, { flags }] = await Promise.all([importDocument(client, body, opts, true), client.call('get', '/projects/{project}/flags')]);
  const current = new Map<string, Flag>(flags.map((f) => [f.key, f]));
  return {
    env: opts.env,
    file,
    body,
    preview,
    attributes: attributeChanges(attributes, current),
    pruned: preview.report.deleted.map((key) => ({ key, liveIn: current.has(key) ? liveIn(current.get(key)!) : [] })),
  };
}

const result = (p: Plan, report: ImportReport, extra: object = {}) => ({
  env: p.env,
  file: p.file,
  changed: importChanges(report) > 0,
  dryRun: false,
  report,
  attributes: p.attributes.map((a) => ({ key: a.key, set: a.set })),
  pruned: p.pruned,
  ...extra,
});

async function diff(file: string, opts: SyncOpts): Promise<void> {
  const p = await plan(connect(opts), file, opts);
  emit(opts, { ...result(p, p.preview.report), dryRun: true, warnings: p.preview.report.warnings }, () => [`${opts.env} ← ${file} (preview)`, ...describePlan(p, opts)]);
}

/** What a push may not do without being told how (exit 5, 4, 7), said before anything is written. */
function refusal(p: Plan, opts: SyncOpts): CliError | null {
  const r = p.preview.report;
  const owned = r.releases.filter((o) => o.refused);
  if (owned.length && !opts.releaseAction) {
    const list = owned.map((o) => `${o.flag} (release ${o.release.key}, ${o.release.state.replace('_', ' ')} at ${o.release.percent}% in ${o.environment}: the file changes its ${o.change})`).join('; ');
    return new CliError(
      `nothing was written: running releases own flags the file changes: ${list}\n  → end them with the push (--release-action rollback, or --release-action kill), end them first (curtain release rollback KEY --env ${opts.env}), or push once they have finished`,
      EXIT.releaseOwns,
      { code: 'RELEASE_OWNS_FLAG', flags: owned },
    );
  }
  if (r.dormant.length && !opts.force) {
    return new CliError(
      `nothing was written: the file switches on ${r.dormant.join(', ')}, which no recorded deployment in ${opts.env} uses (the dormant-code guard)\n  → deploy the code that uses ${r.dormant.length > 1 ? 'them' : 'it'} and record it (curtain deploy record --flags-from DIR), or pass --force`,
      EXIT.dormant,
      { code: 'DORMANT_CODE', flags: r.dormant },
    );
  }
  const live = p.pruned.filter((x) => x.liveIn.length);
  if (live.length && !opts.yes) {
    return new CliError(
      `nothing was written: --prune deletes ${live.map((x) => `${x.key} (on in ${x.liveIn.join(', ')})`).join(', ')} in every environment, not only ${opts.env}\n  → pass --yes to delete ${live.length > 1 ? 'them' : 'it'} anyway, or add ${live.length > 1 ? 'them' : 'it'} to the file`,
      EXIT.confirm,
      { code: 'NEEDS_CONFIRMATION', pruned: live },
    );
  }
  return null;
}

async function push(file: string, opts: SyncOpts): Promise<void> {
  const client = connect(opts);
  const p = await plan(client, file, opts);
  const r = p.preview.report;
  if (importChanges(r) === 0) {
    return emit(opts, { ...result(p, r), warnings: r.warnings }, () => [`${opts.env} ← ${file}: unchanged (${plural(r.unchanged.length, 'flag')})`, ...describePlan(p, opts).slice(0, -1)]);
  }
  if (!opts.json) emit(opts, null, () => [`${opts.env} ← ${file}`, ...describePlan(p, opts)]);
  const refused = refusal(p, opts);
  if (refused) throw refused;
  const applied = (await importDocument(client, p.body, opts, false)).report;
  const ended = opts.releaseAction ? [...new Set(r.releases.filter((o) => o.refused).map((o) => o.release.key))] : [];
  emit(opts, result(p, applied, ended.length ? { endedReleases: ended, releaseAction: opts.releaseAction } : {}), () => [
    `applied: ${[`${applied.created.length} created`, `${applied.updated.length} updated`, `${applied.deleted.length} deleted`, `${applied.unchanged.length} unchanged`].join(', ')}${applied.sharedRulesChanged ? ', shared rules changed' : ''}${p.attributes.length ? `, attributes of ${plural(p.attributes.length, 'flag')} set` : ''}`,
    ...(ended.length ? [`ended with the push (${opts.releaseAction}): release ${ended.join(', ')}`] : []),
  ]);
}

type Checked = { file: string; valid: true; flags: string[] } | { file: string; valid: false; issues: { path: string; message: string }[] };

async function validate(files: string[], opts: JsonOpts): Promise<void> {
  const results: Checked[] = [];
  for (const file of files) {
    const doc = await readDocument(file);
    const checked = validateFlagSet(withoutAttributes(doc));
    const issues = [...(checked.ok ? [] : checked.issues), ...readAttributes(doc).issues];
    results.push(issues.length === 0 && checked.ok ? { file, valid: true, flags: Object.keys(checked.value.flags) } : { file, valid: false, issues });
  }
  emit(opts, results.length === 1 ? results[0] : { files: results }, () =>
    results.flatMap((r) => (r.valid ? [`${r.file}: valid, ${plural(r.flags.length, 'flag')}`] : [`${r.file}: not valid`, ...r.issues.map((i) => `  ${i.path || '/'}: ${i.message}`)])),
  );
  const bad = results.filter((r) => !r.valid);
  if (bad.length) throw new CliError(`${bad.map((r) => r.file).join(', ')}: fix the issues above and validate again`, EXIT.failed, { code: 'INVALID_DEFINITION', issues: bad.flatMap((r) => (r.valid ? [] : r.issues)) });
}

async function pull(opts: ConnectionOpts & { env: string; output?: string; format?: Format }): Promise<void> {
  const client = connect(opts);
  const [exported, { flags }] = await Promise.all([client.call('get', '/projects/{project}/environments/{env}/flagd', { path: { env: opts.env } }), client.call('get', '/projects/{project}/flags')]);
  const doc = addAttributes(exported as { flags?: Record<string, unknown> }, new Map(flags.map((f) => [f.key, f])));
  const keys = Object.keys(doc.flags ?? {});
  if (!opts.output) return void process.stdout.write(serialize(doc, opts.format ?? 'json'));
  await writeDocument(opts.output, doc, opts.format ?? formatOf(opts.output) ?? 'json');
  emit(opts, { env: opts.env, file: opts.output, flags: keys }, () => `${opts.env} → ${opts.output}: ${plural(keys.length, 'flag')}`);
}

export function flagFileCommands(flags: Command): void {
  withJson(flags.command('validate').description('check flag files offline, with the same validator the server uses').argument('<files...>', 'flag files (.json, .yaml)')).action(validate);
  const sync = (cmd: Command) =>
    withEnv(withConnection(cmd))
      .option('--prune', 'delete flags of the project that are not in the file (in every environment: flags are project-wide)')
      .option('--strict', 'refuse the file on anything the server would otherwise only warn about')
      .option('--force', 'switch on flags that no recorded deployment uses (the dormant-code guard)')
      .addOption(new Option('--release-action <action>', 'end the running releases that own flags the file changes, with the push').choices(['rollback', 'kill']));
  sync(flags.command('diff').description('show what pushing the file would change, and what releases and guards would refuse (nothing is written)').argument('<file>', 'flag file')).action(diff);
  sync(flags.command('push').description('make the environment match the file: shows the diff, then applies it all or nothing').argument('<file>', 'flag file'))
    .option('--yes', 'with --prune: delete flags that are on in some environment')
    .action(push);
  withEnv(withConnection(flags.command('pull').description("write the environment's flags as a flag file")))
    .option('-o, --output <file>', 'write to this file (.json or .yaml) instead of stdout')
    .addOption(new Option('--format <format>', 'default: from the file extension, else json').choices(['json', 'yaml']))
    .action(pull);
}
