// The SDK keys of one environment: listing, creating (the secret is kept only until dismissed), revoking.
import type { Api, CreatedSdkKey, SdkKey, SdkKeyKind } from '../api';
import { messageOf } from './workspace.svelte';

export class SdkKeys {
  keys = $state<SdkKey[]>([]);
  /** the key just created, with its secret: the only time the secret is available */
  created = $state<CreatedSdkKey | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  active = $derived(this.keys.filter((k) => !k.revokedAt));

  constructor(
    private readonly api: Api,
    readonly project: string,
    readonly env: string
  ) {}

  async load() {
    await this.attempt(async () => {
      this.keys = await this.api.sdkKeys(this.project, this.env);
    });
  }

  async create(name: string, kind: SdkKeyKind) {
    await this.attempt(async () => {
      const created = await this.api.createSdkKey(this.project, this.env, { name, kind });
      this.created = created;
      const { secret: _secret, ...key } = created;
      this.keys = [...this.keys, key];
    });
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
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }
}
