// The admin API's shapes for roles, people and change requests, taken from the API's OpenAPI document (api/schema.ts,
// `npm run api:types`), so that a change of the worker's schemas fails the dashboard's typecheck.
import type { components } from '../../../api/schema';

type Schemas = components['schemas'];

/** Who is calling, and the roles they hold (`GET /me`). */
export type Me = Schemas['Me'];
/** One role the caller holds, over some projects (null: all) and environments (null: all). */
export type GrantView = Me['grants'][number];
export type Role = GrantView['role'];
export type AdminToken = Schemas['AdminToken'];
export type AdminTokenInput = Schemas['AdminTokenInput'];
export type CreatedAdminToken = AdminToken & { /** shown once, never returned again */ secret: string };
export type Person = Schemas['Person'];
export type PersonInput = Schemas['PersonInput'];
export type PersonPatch = Schemas['PersonPatch'];

/** A write a protected environment holds until others approve it. */
export type ChangeRequest = Schemas['ChangeRequest'];
export type ChangeRequestState = ChangeRequest['state'];
/** One place where the target of a request moved since it was made (empty list: applying changes exactly what was reviewed). */
export interface DiffEntry {
  path: string;
  before?: unknown;
  after?: unknown;
}
