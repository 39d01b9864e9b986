// The project's history: loaded newest first; filtered by flag on the server (a flag's own changes and the releases,
// schedules and deployments that name it) and by person (the admin token's name) here.
import type { Api, AuditEntry } from '../api';
import { environmentOf, flagOf } from '../history/resources';
import { releaseIndex } from '../history/sentence';
import { messageOf } from './workspace.svelte';

export { environmentOf, flagOf };

export class AuditLog {
  entries = $state<AuditEntry[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);
  limit = $state(100);
  /** the flag the entries were loaded for ('' for all) */
  flag = $state('');
  actor = $state('');

  flags = $derived([...new Set(this.entries.flatMap((e) => e.flags))].sort());
  actors = $derived([...new Set(this.entries.map((e) => e.actor))].sort());
  shown = $derived(this.entries.filter((e) => !this.actor || e.actor === this.actor));
  /** releases' names and step counts, for the sentences */
  releases = $derived(releaseIndex(this.entries));

  #load = 0;

  constructor(
    private readonly api: Api,
    readonly project: string
  ) {}

  async load() {
    const id = ++this.#load;
    this.loading = true;
    this.error = null;
    try {
      const entries = await this.api.audit(this.project, this.limit, this.flag);
      if (id === this.#load) this.entries = entries;
    } catch (error) {
      if (id === this.#load) this.error = messageOf(error);
    } finally {
      if (id === this.#load) this.loading = false;
    }
  }

  /** Shows another flag's history (or everyone's, for ''). */
  filterFlag(flag: string) {
    this.flag = flag;
    void this.load();
  }
}
