// `curtain flags validate | diff | push | pull`: flag files in git, checked offline and synced to an environment.
import { Option, type Command } from 'commander';
import { validateFlagSet, type ValidationIssue } from '../../worker/src/engine';
import type { CurtainClient } from './client';
import { formatOf, readDocument, serialize, writeDocument, type Format } from './files';
import { connect, withConnection, withEnv, withJson, type ConnectionOpts, type JsonOpts } from './options';
import { CliError, EXIT, emit, plural } from './output';

/** What PUT …/flagd answers (docs/api.md); `warnings` comes with the lenient import. */
interface ImportReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
  notInFile: string[];
  sharedRulesChanged: boolean;
  warnings?: unknown[];
}
interface ImportResponse {
  dryRun: boolean;
  report: ImportReport;
  warnings?: unknown[];
}

interface SyncOpts extends ConnectionOpts {
  env: string;
  prune?: boolean;
  strict?: boolean;
}

const changes = (r: ImportReport) => r.created.length + r.updated.length + r.deleted.length + (r.sharedRulesChanged ? 1 : 0);
const warningsOf = (res: ImportResponse) => res.warnings ?? res.report.warnings ?? [];

/** A warning as a string or `{ flag?, path?, message }`: the lenient import's shape is not fixed yet. */
function warningText(w: unknown): string {
  if (typeof w === 'string') return w;
  const o = (w ?? {}) as { path?: string; message?: string; flag?: string };
  if (!o.message) return JSON.stringify(w);
  const where = [o.flag, o.path].filter(Boolean).join(' ');
  return where ? `${where}: ${o.message}` : o.message;
}

/** The report as a diff: + created, ~ updated, - deleted, and what the file leaves alone. */
export function describeReport(res: ImportResponse, pruneHint: boolean): string[] {
  const r = res.report;
  const lines = [
    ...r.created.map((k) => `  + ${k}`),
    ...r.updated.map((k) => `  ~ ${k}`),
    ...r.deleted.map((k) => `  - ${k}`),
    ...(r.sharedRulesChanged ? ['  ~ shared rules ($evaluators, segments, metadata)'] : []),
    ...r.notInFile.map((k) => `    ${k} (not in the file: kept${pruneHint ? '; --prune deletes it' : ''})`),
    ...warningsOf(res).map((w) => `  ! warning: ${warningText(w)}`),
  ];
  const counts = [
    r.created.length && `${r.created.length} to create`,
    r.updated.length && `${r.updated.length} to update`,
    r.deleted.length && `${r.deleted.length} to delete`,
    r.unchanged.length && `${r.unchanged.length} unchanged`,
  ].filter(Boolean);
  return [...lines, `  ${counts.join(', ') || 'no flags'}`];
}

function importDocument(client: CurtainClient, doc: unknown, opts: SyncOpts, dryRun: boolean): Promise<ImportResponse> {
  return client.request<ImportResponse>('PUT', client.envPath(opts.env, '/flagd'), {
    body: doc,
    query: { dryRun, prune: opts.prune, strict: opts.strict },
  });
}

type Checked = { file: string; valid: true; flags: string[] } | { file: string; valid: false; issues: ValidationIssue[] };

async function validate(files: string[], opts: JsonOpts): Promise<void> {
  const results: Checked[] = [];
  for (const file of files) {
    const checked = validateFlagSet(await readDocument(file));
    results.push(checked.ok ? { file, valid: true, flags: Object.keys(checked.value.flags) } : { file, valid: false, issues: checked.issues });
  }
  emit(opts, results.length === 1 ? results[0] : { files: results }, () =>
    results.flatMap((r) =>
      r.valid ? [`${r.file}: valid, ${plural(r.flags.length, 'flag')}`] : [`${r.file}: not valid`, ...r.issues.map((i) => `  ${i.path || '/'}: ${i.message}`)],
    ),
  );
  const bad = results.filter((r) => !r.valid);
  if (bad.length) throw new CliError(`${bad.map((r) => r.file).join(', ')}: fix the issues above and validate again`, EXIT.failed, { issues: bad.flatMap((r) => r.issues) });
}

async function diff(file: string, opts: SyncOpts): Promise<void> {
  const res = await importDocument(connect(opts), await readDocument(file), opts, true);
  emit(opts, { env: opts.env, file, changed: changes(res.report) > 0, ...res }, () => [`${opts.env} ← ${file} (preview)`, ...describeReport(res, !opts.prune)]);
}

async function push(file: string, opts: SyncOpts): Promise<void> {
  const client = connect(opts);
  const doc = await readDocument(file);
  const preview = await importDocument(client, doc, opts, true);
  if (changes(preview.report) === 0) {
    // The counts line is left out: the header says it all.
    return emit(opts, { env: opts.env, file, changed: false, ...preview }, () => [
      `${opts.env} ← ${file}: unchanged (${plural(preview.report.unchanged.length, 'flag')})`,
      ...describeReport(preview, !opts.prune).slice(0, -1),
    ]);
  }
  if (!opts.json) emit(opts, null, () => [`${opts.env} ← ${file}`, ...describeReport(preview, !opts.prune)]);
  const applied = await importDocument(client, doc, opts, false);
  const r = applied.report;
  emit(opts, { env: opts.env, file, changed: changes(r) > 0, ...applied }, () =>
    `applied: ${[`${r.created.length} created`, `${r.updated.length} updated`, `${r.deleted.length} deleted`, `${r.unchanged.length} unchanged`].join(', ')}${r.sharedRulesChanged ? ', shared rules changed' : ''}`,
  );
}

async function pull(opts: ConnectionOpts & { env: string; output?: string; format?: Format }): Promise<void> {
  const client = connect(opts);
  const doc = await client.request<{ flags?: Record<string, unknown> }>('GET', client.envPath(opts.env, '/flagd'));
  const keys = Object.keys(doc.flags ?? {});
  if (!opts.output) return void process.stdout.write(serialize(doc, opts.format ?? 'json'));
  await writeDocument(opts.output, doc, opts.format ?? formatOf(opts.output) ?? 'json');
  emit(opts, { env: opts.env, file: opts.output, flags: keys }, () => `${opts.env} → ${opts.output}: ${plural(keys.length, 'flag')}`);
}

export function flagsCommand(program: Command): void {
  const flags = program.command('flags').description('flag files (flagd format with Curtain extensions, JSON or YAML): validate, diff, push, pull');
  withJson(flags.command('validate').description('check flag files offline, with the same validator the server uses').argument('<files...>', 'flag files (.json, .yaml)')).action(validate);

  const sync = (cmd: Command) =>
    withEnv(withConnection(cmd))
      .option('--prune', 'delete flags of the project that are not in the file')
      .option('--strict', 'refuse the file on anything the server would otherwise only warn about');
  sync(flags.command('diff').description('show what pushing the file would change (nothing is written)').argument('<file>', 'flag file')).action(diff);
  sync(flags.command('push').description('make the environment match the file: shows the diff, then applies it all or nothing').argument('<file>', 'flag file')).action(push);
  withEnv(withConnection(flags.command('pull').description("write the environment's flags as a flag file")))
    .option('-o, --output <file>', 'write to this file (.json or .yaml) instead of stdout')
    .addOption(new Option('--format <format>', 'default: from the file extension, else json').choices(['json', 'yaml']))
    .action(pull);
}
