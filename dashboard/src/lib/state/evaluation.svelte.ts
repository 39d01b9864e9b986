// "Evaluate as…": a context typed or picked from the recent ones, and every flag's answer for it with the rule that matched.
import { ApiError, type Api, type ExplainedEvaluation } from '../api';
import { RecentContexts, type Context } from '../evaluate/recent-contexts';
import { parseJsonText, pretty } from '../json-text';
import { messageOf } from './workspace.svelte';

export class Evaluation {
  text = $state(pretty({ targetingKey: 'user-1' }));
  results = $state<ExplainedEvaluation[] | null>(null);
  /** the context the results are for */
  evaluatedFor = $state<Context | null>(null);
  recent = $state<Context[]>([]);
  loading = $state(false);
  error = $state<ApiError | Error | null>(null);
  filter = $state('');

  problem = $derived.by(() => {
    const parsed = parseJsonText(this.text);
    if (!parsed.ok) return parsed.message;
    const v = parsed.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'A context is a JSON object, e.g. {"targetingKey": "user-1", "plan": "pro"}.';
    if ('targetingKey' in v && typeof v.targetingKey !== 'string') return 'targetingKey must be a string.';
    return null;
  });
  shown = $derived((this.results ?? []).filter((r) => !this.filter || r.key.toLowerCase().includes(this.filter.toLowerCase())));

  readonly #recent: RecentContexts;

  constructor(private readonly api: Api, readonly project: string, readonly env: string, storage?: Storage) {
    this.#recent = new RecentContexts(storage);
    this.recent = this.#recent.list();
  }

  pick(context: Context) {
    this.text = pretty(context);
  }

  async run() {
    if (this.problem) return;
    const context = JSON.parse(this.text) as Context;
    this.loading = true;
    this.error = null;
    try {
      this.results = await this.api.evaluateAs(this.project, this.env, context);
      this.evaluatedFor = context;
      this.recent = this.#recent.remember(context);
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(messageOf(error));
    } finally {
      this.loading = false;
    }
  }
}
