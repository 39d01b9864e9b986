// Admin tokens, for people and pipelines: listed, created (the secret kept only until dismissed) and revoked.
import type { AdminToken, AdminTokenInput, Api, CreatedAdminToken } from '../api';
import { messageOf } from './workspace.svelte';

export class AdminTokens {
  tokens = $state<AdminToken[]>([]);
  created = $state<CreatedAdminToken | null>(null);
  loading = $state(false);
  loaded = $state(false);
  error = $state<Error | null>(null);

  active = $derived(this.tokens.filter((t) => !t.revokedAt));

  constructor(private readonly api: Api) {}

  async load() {
    await this.attempt(async () => {
      this.tokens = await this.api.adminTokens();
      this.loaded = true;
    });
  }

  async create(input: AdminTokenInput) {
    await this.attempt(async () => {
      const created = await this.api.createAdminToken(input);
      this.created = created;
      const { secret: _secret, ...token } = created;
      this.tokens = [...this.tokens, token];
    });
  }

  /** Revokes; throws the reason so the confirmation can show it. */
  async revoke(id: string) {
    await this.api.revokeAdminToken(id);
    const revokedAt = new Date().toISOString();
    this.tokens = this.tokens.map((t) => (t.id === id ? { ...t, revokedAt } : t));
    if (this.created?.id === id) this.created = null;
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
