// The changes of a release's flags' own rules since it started, read from each flag's history (`GET …/audit?flag=`).
import type { Api, Release } from '../api';
import { ruleChanges, type RuleChange } from '../releases/rule-changes';
import { messageOf } from './workspace.svelte';

export class ReleaseRuleChanges {
  changes = $state<RuleChange[]>([]);
  error = $state<string | null>(null);

  constructor(private readonly api: Api, readonly project: string, readonly env: string) {}

  async load(release: Release) {
    const since = Date.parse(release.startedAt ?? release.startAt ?? '');
    if (!Number.isFinite(since)) {
      this.changes = [];
      return;
    }
    try {
      const lists = await Promise.all(release.flags.map((f) => this.api.audit(this.project, 200, f.key)));
      this.changes = ruleChanges(lists.flat(), this.env, since, release.key).sort((a, b) => b.entry.id - a.entry.id);
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}
