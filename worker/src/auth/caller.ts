// Who is calling the admin API: a token or a person, with the grants that say what they may do.
import type { Grant } from '../store/schema';

export interface Caller {
  /** the token's id ("bootstrap" for CURTAIN_ADMIN_TOKEN) or `person:<id>`: what the audit log and approvals compare */
  id: string;
  /** the token's name or the person's name (their email when they have none) */
  name: string;
  kind: 'bootstrap' | 'token' | 'person';
  email?: string;
  grants: Grant[];
}

export const BOOTSTRAP: Caller = { id: 'bootstrap', name: 'bootstrap admin token', kind: 'bootstrap', grants: [{ role: 'admin', projects: null, environments: null }] };
