// Who is signed in: the admin token (kept in sessionStorage, so it dies with the tab) and its API client.
import { Api, type TokenInfo } from '../api';

const STORAGE_KEY = 'curtain.adminToken';

export class Session {
  token = $state<string | null>(null);
  tokenInfo = $state<TokenInfo | null>(null);
  /** why the user was sent back to the sign-in screen, if it was not their choice */
  notice = $state<string | null>(null);

  api = $derived(this.token ? new Api(this.token, () => this.expire()) : null);

  constructor(private readonly storage: Storage = sessionStorage) {
    this.token = storage.getItem(STORAGE_KEY);
  }

  /** Checks the token with `GET /api/v1/me`; throws an ApiError if it is refused. */
  async signIn(token: string) {
    const info = await new Api(token).me();
    this.storage.setItem(STORAGE_KEY, token);
    this.tokenInfo = info;
    this.notice = null;
    this.token = token;
  }

  /** Confirms a token restored from storage is still accepted. */
  async resume() {
    if (!this.api) return;
    try {
      this.tokenInfo = await this.api.me();
    } catch {
      // a refused token already signed us out (see expire); other failures show when the dashboard loads
    }
  }

  signOut() {
    this.storage.removeItem(STORAGE_KEY);
    this.token = null;
    this.tokenInfo = null;
  }

  private expire() {
    this.signOut();
    this.notice = 'Your session was rejected by the server. Sign in again.';
  }
}
