// Stale flags in words (issue 21): why each is stale and since when, how much it is still evaluated, and where the
// code still uses it. Pure: `curtain flags stale` (stale.ts) fetches, this renders.
import type { Flag } from './api';
import { plural, table } from './output';

/** A flag's staleness as the flag list reports it (docs/api.md): released to everyone for a while, or not evaluated. */
export interface Staleness {
  reason: 'released' | 'unevaluated' | (string & {});
  since: string;
  /** environments whose newest deployment still references the flag */
  stillInCode: string[];
}

export interface Usage {
  lastEvaluatedAt: string | null;
  evaluations24h: number;
}

/** The flag list's answer with issue 21's fields (optional: older deployments do not send them). */
export type FlagWithStaleness = Flag & { stale?: Staleness | null; environments: Record<string, Flag['environments'][string] & { usage?: Usage }> };

export interface CodeUse {
  environment: string;
  deployment: { version: string; commit?: string | null; at: string };
  references: { file: string; line: number }[];
}

export interface StaleFlag {
  key: string;
  stale: Staleness;
  usage: Record<string, Usage>;
  inCode: CodeUse[];
}

const day = (iso: string) => iso.slice(0, 10);

export function reasonWords(s: Staleness): string {
  if (s.reason === 'released') return 'released: one variant for everyone';
  if (s.reason === 'unevaluated') return 'not evaluated';
  return s.reason;
}

/** The newest evaluation over the environments shown, in words. */
function lastSeen(usage: Record<string, Usage>): string {
  const seen = Object.values(usage).map((u) => u.lastEvaluatedAt).filter((t): t is string => !!t).sort();
  const count = Object.values(usage).reduce((n, u) => n + u.evaluations24h, 0);
  if (!seen.length) return 'never';
  return `${day(seen[seen.length - 1])}${count ? ` (${count} in 24h)` : ''}`;
}

const MAX_PLACES = 5;

function codeLines(f: StaleFlag): string[] {
  return f.inCode.map((u) => {
    const places = u.references.slice(0, MAX_PLACES).map((r) => `${r.file}:${r.line}`);
    const more = u.references.length > MAX_PLACES ? `, and ${u.references.length - MAX_PLACES} more` : '';
    const where = places.length ? `: ${places.join(', ')}${more}` : ' (recorded without file and line)';
    return `  ${f.key} in ${u.environment} (${u.deployment.version}${u.deployment.commit ? `, ${u.deployment.commit.slice(0, 12)}` : ''})${where}`;
  });
}

/** The table, then where the code still uses each flag, then what to do. */
export function staleLines(flags: StaleFlag[], project: string, env?: string): string[] {
  if (!flags.length) return [`no stale flags in project "${project}"${env ? ` (looking at ${env})` : ''}`];
  const inCode = flags.filter((f) => f.stale.stillInCode.length);
  return [
    ...table([
      ['KEY', 'STALE', 'SINCE', `LAST EVALUATED${env ? ` IN ${env.toUpperCase()}` : ''}`, 'STILL IN CODE'],
      ...flags.map((f) => [f.key, reasonWords(f.stale), day(f.stale.since), lastSeen(f.usage), f.stale.stillInCode.join(', ') || 'no']),
    ]),
    ...(inCode.length ? ['', 'Where the code still uses them (newest deployment of each environment):', ...flags.flatMap(codeLines)] : []),
    '',
    `${plural(flags.length, 'stale flag')}${inCode.length ? `, ${inCode.length} still in code: remove ${inCode.length > 1 ? 'those uses' : 'that use'} and deploy before archiving` : ': no deployed code uses them, so they can be archived'}`,
  ];
}
