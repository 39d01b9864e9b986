// "Evaluate as…": a context typed in a form (attribute rows) or as JSON, or picked from the recent ones, and every
// flag's answer for it with the rule that matched.
import { ApiError, type Api, type ExplainedEvaluation } from '../api';
import { contextOf, rowsOf, type AttributeRow } from '../evaluate/context-form';
import { RecentContexts, type Context } from '../evaluate/recent-contexts';
import { parseJsonText, pretty } from '../json-text';
import { messageOf } from './workspace.svelte';

export class Evaluation {
  mode = $state<'form' | 'json'>('form');
  rows = $state<AttributeRow[]>([{ name: 'targetingKey', type: 'string', value: 'user-1' }, { name: '', type: 'string', value: '' }]);
  text = $state(pretty({ targetingKey: 'user-1' }));
  /** why the JSON cannot be shown as a form (nested values) */
  formless = $state<string | null>(null);
  results = $state<ExplainedEvaluation[] | null>(null);
  /** the context the results are for */
  evaluatedFor = $state<Context | null>(null);
  recent = $state<Context[]>([]);
  loading = $state(false);
  error = $state<ApiError | Error | null>(null);
  filter = $state('');

  rowProblems = $derived(contextOf(this.rows).problems);
  problem = $derived.by(() => {
    if (this.mode === 'form') return this.rowProblems.some((p) => p !== null) ? 'Fix the attributes marked.' : null;
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

  /** The context as the current mode has it. */
  context(): Context {
    return this.mode === 'form' ? contextOf(this.rows).context : (JSON.parse(this.text) as Context);
  }

  /** Switches between the form and JSON, carrying the context over (a context with nested values stays JSON). */
  show(mode: 'form' | 'json') {
    if (mode === this.mode || this.problem) return;
    const context = this.context();
    if (mode === 'json') {
      this.text = pretty(context);
      this.mode = 'json';
      return;
    }
    const rows = rowsOf(context);
    this.formless = rows ? null : 'This context has nested values: it can only be edited as JSON.';
    if (rows) {
      this.rows = [...rows, { name: '', type: 'string', value: '' }];
      this.mode = 'form';
    }
  }

  pick(context: Context) {
    this.text = pretty(context);
    const rows = rowsOf(context);
    if (rows) this.rows = [...rows, { name: '', type: 'string', value: '' }];
    this.mode = rows ? this.mode : 'json';
  }

  async run() {
    if (this.problem) return;
    const context = this.context();
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
