// Who is signed in: an admin token (kept in sessionStorage, so it dies with the tab) or, behind Cloudflare Access, the
// person Access signed in (no token: the browser's Access sign-in is the credential); and the API client for them.
import { Api, type Me } from '../api';

const STORAGE_KEY = 'curtain.adminToken';

export class Session {
  token = $state<string | null>(null);
  /** signed in through Cloudflare Access rather than with a token */
  person = $state(false);
  me = $state<Me | null>(null);
  /** why the user was sent back to the sign-in screen, if it was not their choice */
  notice = $state<string | null>(null);

  api = $derived(this.token || this.person ? new Api(this.token, () => this.expire()) : null);

  constructor(private readonly storage: Storage = sessionStorage) {
    this.token = storage.getItem(STORAGE_KEY);
  }

  /** Checks the token with `GET /api/v1/me`; throws an ApiError if it is refused. */
  async signIn(token: string) {
    const me = await new Api(token).me();
    this.storage.setItem(STORAGE_KEY, token);
    this.me = me;
    this.notice = null;
    this.token = token;
  }

  /** Confirms a token restored from storage is still accepted; without one, asks whether Cloudflare Access signed a person in. */
  async resume() {
    if (!this.api) {
      try {
        const me = await new Api(null).me();
        if (me.kind === 'person' && !this.token) {
          this.me = me;
          this.person = true;
        }
      } catch {
        // no Access in front of this deployment (401): the sign-in screen asks for a token
      }
      return;
    }
    try {
      this.me = await this.api.me();
    } catch {
      // a refused token already signed us out (see expire); other failures show when the dashboard loads
    }
  }

  signOut() {
    this.storage.removeItem(STORAGE_KEY);
    this.token = null;
    this.person = false;
    this.me = null;
  }

  private expire() {
    this.signOut();
    this.notice = 'Your session was rejected by the server. Sign in again.';
  }
}
