// The SDK keys of one environment: listing, creating (the secret is kept only until dismissed), rate limits, revoking.
import { ApiError, type Api, type CreatedSdkKey, type SdkKey, type SdkKeyInput } from '../api';
import { messageOf } from './workspace.svelte';

export class SdkKeys {
  keys = $state<SdkKey[]>([]);
  /** the key just created, with its secret: the only time the secret is available */
  created = $state<CreatedSdkKey | null>(null);
  error = $state<ApiError | Error | null>(null);
  loading = $state(false);
  loaded = $state(false);

  active = $derived(this.keys.filter((k) => !k.revokedAt));
  /** the server reports rate limits (a field other servers do not have): only then are they shown */
  hasRateLimits = $derived(this.keys.some((k) => 'rateLimit' in k));

  constructor(
    private readonly api: Api,
    readonly project: string,
    readonly env: string
  ) {}

  async load() {
    await this.attempt(async () => {
      this.keys = await this.api.sdkKeys(this.project, this.env);
      this.loaded = true;
    });
  }

  async create(input: SdkKeyInput) {
    await this.attempt(async () => {
      const created = await this.api.createSdkKey(this.project, this.env, input);
      this.created = created;
      const { secret: _secret, ...key } = created;
      this.keys = [...this.keys, key];
    });
  }

  /** Sets a key's rate limit; throws the ApiError so the field can show it. */
  async setRateLimit(id: string, rateLimit: number | null) {
    const saved = await this.api.updateSdkKey(this.project, this.env, id, { rateLimit });
    this.keys = this.keys.map((k) => (k.id === id ? { ...k, ...saved } : k));
  }

  async revoke(id: string) {
    await this.attempt(async () => {
      await this.api.revokeSdkKey(this.project, this.env, id);
      const revokedAt = new Date().toISOString();
      this.keys = this.keys.map((k) => (k.id === id ? { ...k, revokedAt } : k));
      if (this.created?.id === id) this.created = null;
    });
  }

  dismissSecret() {
    this.created = null;
  }

  private async attempt(work: () => Promise<void>) {
    this.loading = true;
    this.error = null;
    try {
      await work();
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(messageOf(error));
    } finally {
      this.loading = false;
    }
  }
}
