// A previewed push in words: + created, ~ updated, - deleted (and where it is on), what running releases own, what the
// dormant-code guard refuses, the attributes the CLI sets, and what the file leaves alone.
import type { ImportReport, ImportResponse } from './api';
import type { Attributes } from './flag-attributes';

export interface Plan {
  env: string;
  file: string;
  /** what the import is sent: the file without the attributes */
  body: unknown;
  preview: ImportResponse;
  /** attributes (description, tags, clientVisible) the file sets to something new: the import applies them */
  attributes: { key: string; set: Attributes; fields: string[] }[];
  /** flags --prune deletes, and the environments where each is on */
  pruned: { key: string; liveIn: string[] }[];
}

export const importChanges = (r: ImportReport) => r.created.length + r.updated.length + r.deleted.length + (r.sharedRulesChanged ? 1 : 0);

/** A warning as a string or `{ flag?, path?, message }`. */
function warningText(w: unknown): string {
  if (typeof w === 'string') return w;
  const o = (w ?? {}) as { path?: string; message?: string; flag?: string | null };
  if (!o.message) return JSON.stringify(w);
  const where = [o.flag, o.path].filter(Boolean).join(' ');
  return where ? `${where}: ${o.message}` : o.message;
}

const CHANGE_WORDS = { targeting: 'rules', switch: 'switch or default variant', variants: 'variants the release serves', delete: 'existence (a delete)' } as const;

/** The report's release entries: refused changes (and how to go on), and rule changes a running release allows. */
function releaseLines(r: ImportReport, releaseAction: string | undefined): string[] {
  return r.releases.map((o) => {
    const where = `release ${o.release.key} (${o.release.state.replace('_', ' ')} at ${o.release.percent}% in ${o.environment})`;
    if (!o.refused) return `  ~ ${o.flag}: its rules change while ${where} runs: allowed, the flag's rules decide before the release`;
    return releaseAction
      ? `  ! ${o.flag}: ${where} owns it and the file changes its ${CHANGE_WORDS[o.change]}: the push ends the release (${releaseAction})`
      : `  ! ${o.flag}: ${where} owns it and the file changes its ${CHANGE_WORDS[o.change]}: refused (--release-action rollback|kill ends the release with the push)`;
  });
}

export function describePlan(p: Plan, opts: { prune?: boolean; force?: boolean; releaseAction?: string }): string[] {
  const r = p.preview.report;
  const attrs = new Map(p.attributes.map((a) => [a.key, a.fields]));
  const withAttrs = (key: string) => (attrs.has(key) ? ` (and ${attrs.get(key)!.join(', ')})` : '');
  // the import applies the attributes: a flag whose attributes change is among those it updates
  const changedAttrs = (key: string) => (attrs.has(key) ? ` (${attrs.get(key)!.join(', ')})` : '');
  const pruned = new Map(p.pruned.map((x) => [x.key, x.liveIn]));
  const lines = [
    ...r.created.map((k) => `  + ${k}${withAttrs(k)}`),
    ...r.updated.map((k) => `  ~ ${k}${changedAttrs(k)}`),
    ...r.deleted.map((k) => {
      const on = pruned.get(k) ?? [];
      return `  - ${k} (deleted in every environment; ${on.length ? `on in ${on.join(', ')}` : 'off everywhere'})`;
    }),
    ...(r.sharedRulesChanged ? ['  ~ shared rules ($evaluators, segments, metadata)'] : []),
    ...releaseLines(r, opts.releaseAction),
    ...r.dormant.map((k) => `  ! ${k}: the file switches it on, but no recorded deployment in ${p.env} uses it: ${opts.force ? 'switched on anyway (--force)' : 'refused (the dormant-code guard; --force switches it on anyway)'}`),
    ...r.notInFile.map((k) => `    ${k} (not in the file: kept${opts.prune ? '' : '; --prune deletes it'})`),
    ...(p.preview.report.warnings ?? []).map((w) => `  ! warning: ${warningText(w)}`),
  ];
  const counts = [
    r.created.length && `${r.created.length} to create`,
    r.updated.length && `${r.updated.length} to update`,
    r.deleted.length && `${r.deleted.length} to delete`,
    r.unchanged.length > 0 && `${r.unchanged.length} unchanged`,
  ].filter(Boolean);
  return [...lines, `  ${counts.join(', ') || 'no flags'}`];
}
