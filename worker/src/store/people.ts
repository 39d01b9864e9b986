// People who sign in through Cloudflare Access: their email and their roles (grants), audited like tokens.
import { asc, eq } from 'drizzle-orm';
import { randomId } from '../auth/secrets';
import { ApiError, notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db, PersonRow } from './db';
import { assertGrants, type GrantInput } from './grants';
import { people } from './schema';

const view = (p: PersonRow) => ({ id: p.id, email: p.email, name: p.name, grants: p.grants, createdAt: new Date(p.createdAt).toISOString(), updatedAt: new Date(p.updatedAt).toISOString() });

export const listPeople = async (db: Db) => (await db.select().from(people).orderBy(asc(people.email))).map(view);

async function find(db: Db, id: string) {
  const row = await db.query.people.findFirst({ where: eq(people.id, id) });
  if (!row) throw notFound(`Person '${id}'`);
  return row;
}

export async function addPerson(db: Db, actor: AuditActor, input: { email: string; name?: string; grants: GrantInput[] }) {
  const email = input.email.toLowerCase();
  if (await db.query.people.findFirst({ where: eq(people.email, email) })) throw new ApiError('CONFLICT', `A person with email '${email}' exists already`);
  const now = Date.now();
  const row: PersonRow = { id: randomId(), email, name: input.name ?? '', grants: await assertGrants(db, input.grants, '/grants'), createdAt: now, updatedAt: now };
  await db.batch([db.insert(people).values(row), auditInsert(db, { actor, action: 'person.add', projectId: null, resource: `people/${row.id}`, after: view(row) }, now)]);
  return view(row);
}

export async function updatePerson(db: Db, actor: AuditActor, id: string, patch: { name?: string; grants?: GrantInput[] }) {
  const row = await find(db, id);
  const now = Date.now();
  const next: PersonRow = { ...row, ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.grants ? { grants: await assertGrants(db, patch.grants, '/grants') } : {}), updatedAt: now };
  await db.batch([
    db.update(people).set({ name: next.name, grants: next.grants, updatedAt: now }).where(eq(people.id, id)),
    auditInsert(db, { actor, action: 'person.update', projectId: null, resource: `people/${id}`, before: view(row), after: view(next) }, now),
  ]);
  return view(next);
}

export async function removePerson(db: Db, actor: AuditActor, id: string) {
  const row = await find(db, id);
  const now = Date.now();
  await db.batch([db.delete(people).where(eq(people.id, id)), auditInsert(db, { actor, action: 'person.remove', projectId: null, resource: `people/${id}`, before: view(row) }, now)]);
}
