// Which history entries changed a release's flags' own rules in its environment since it started: the flags' rules
// decide before the release and may change while it runs, but never silently (the release page lists them).
import type { AuditEntry, JsonValue } from '../api-types';
import { environmentOf } from '../history/resources';
import { sameJson } from '../rules/json';

export interface RuleChange {
  entry: AuditEntry;
  flag: string;
  before: { state: 'ENABLED' | 'DISABLED'; defaultVariant: string | null; targeting: JsonValue | null };
  after: { state: 'ENABLED' | 'DISABLED'; defaultVariant: string | null; targeting: JsonValue | null };
}

type Config = RuleChange['before'];
const configOf = (v: JsonValue | null): Config | null => (v && typeof v === 'object' && !Array.isArray(v) && 'targeting' in v ? (v as unknown as Config) : null);

/** The entries of `entries` that changed a flag's own rules in `env` at or after `since` (not the release's own end). */
export function ruleChanges(entries: AuditEntry[], env: string, since: number, release: string): RuleChange[] {
  return entries.flatMap((entry) => {
    const before = configOf(entry.before);
    const after = configOf(entry.after);
    const cause = (entry.after as { cause?: { release?: string } } | null)?.cause;
    if (entry.action !== 'flag.configure' || environmentOf(entry.resource) !== env || Date.parse(entry.at) < since || !before || !after) return [];
    if (cause?.release === release || sameJson(before.targeting ?? null, after.targeting ?? null)) return [];
    return [{ entry, flag: entry.flags[0] ?? '', before, after }];
  }).filter((c, i, all) => all.findIndex((o) => o.entry.id === c.entry.id) === i);
}

