// The project's audit log: loaded newest first, filtered by flag and by person (the admin token's name).
import type { Api, AuditEntry } from '../api';
import { environmentOf, flagOf } from '../history/resources';
import { messageOf } from './workspace.svelte';

export { environmentOf, flagOf };

export class AuditLog {
  entries = $state<AuditEntry[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);
  limit = $state(100);
  flag = $state('');
  actor = $state('');

  flags = $derived([...new Set(this.entries.map((e) => flagOf(e.resource)).filter((f): f is string => f !== null))].sort());
  actors = $derived([...new Set(this.entries.map((e) => e.actor))].sort());
  shown = $derived(
    this.entries.filter((e) => (!this.flag || flagOf(e.resource) === this.flag) && (!this.actor || e.actor === this.actor))
  );

  constructor(
    private readonly api: Api,
    readonly project: string
  ) {}

  async load() {
    this.loading = true;
    this.error = null;
    try {
      this.entries = await this.api.audit(this.project, this.limit);
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }
}
