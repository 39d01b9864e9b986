// An environment's shared rules: segments ({"segment": name}) and flagd evaluators ({"$ref": name}), loaded and saved whole.
import type { Api, EnvironmentDetail, JsonValue } from '../api';
import { messageOf } from './workspace.svelte';

export type SharedKind = 'segments' | 'evaluators';

export class SharedRules {
  detail = $state<EnvironmentDetail | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  segmentNames = $derived(Object.keys(this.detail?.segments ?? {}));
  evaluatorNames = $derived(Object.keys(this.detail?.evaluators ?? {}));

  constructor(
    private readonly api: Api,
    readonly project: string,
    readonly env: string
  ) {}

  async load() {
    this.loading = true;
    this.error = null;
    try {
      this.detail = await this.api.environment(this.project, this.env);
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  /** Replaces one kind of shared rule; throws the ApiError (issues at `/segments/name/…` or `/$evaluators/name/…`). */
  async save(kind: SharedKind, rules: Record<string, JsonValue>) {
    this.detail = await this.api.updateEnvironment(this.project, this.env, { [kind]: rules });
  }
}
