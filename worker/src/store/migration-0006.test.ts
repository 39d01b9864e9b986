// Migration 0006 on a database with history (SQLite in Node, as D1 runs it): production protected, releases naming
// their flags by id, audit entries with their flags, and every ended release's outcome written into its flags.
import { DatabaseSync } from 'node:sqlite';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../migrations/', import.meta.url));
const files = readdirSync(dir).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort();
const apply = (db: DatabaseSync, file: string) => {
  for (const statement of readFileSync(dir + file, 'utf8').split('--> statement-breakpoint')) if (statement.trim()) db.exec(statement);
};

const db = new DatabaseSync(':memory:');
const rows = (sql: string) => db.prepare(sql).all() as Record<string, any>[];
const release = (id: string, state: string, flags: unknown[], anchor: number, extra: Record<string, unknown> = {}) =>
  db.prepare(`INSERT INTO releases (id, project_id, environment_id, key, name, salt, state, killed, flags, steps, anchor_at, paused_at, created_by, updated_at) VALUES (?, 'p', 'dev', ?, ?, 's', ?, ?, ?, '[{"percent":100,"holdMinutes":1}]', ?, ?, 't', 0)`)
    .run(id, id, id, state, extra.killed ? 1 : 0, JSON.stringify(flags), anchor, (extra.pausedAt as number) ?? null);

beforeAll(() => {
  for (const f of files.filter((f) => f < '0006')) apply(db, f);
  db.exec(`INSERT INTO projects (id, key, name) VALUES ('p', 'default', 'Default');
    INSERT INTO environments (id, project_id, key, name) VALUES ('dev', 'p', 'development', 'Development'), ('prod', 'p', 'production', 'Production');
    INSERT INTO flags (id, project_id, key, type, variants, updated_at) VALUES
      ('f1', 'p', 'shipped', 'boolean', '{"on":true,"off":false}', 0), ('f2', 'p', 'pulled', 'boolean', '{"on":true,"off":false}', 0),
      ('f3', 'p', 'killed', 'boolean', '{"on":true,"off":false}', 0), ('f4', 'p', 'running', 'boolean', '{"on":true,"off":false}', 0);
    INSERT INTO flag_configs (flag_id, environment_id, state, default_variant, targeting, updated_at) VALUES
      ('f1', 'dev', 'ENABLED', 'off', NULL, 0), ('f2', 'dev', 'ENABLED', 'on', '{"if":[{"var":"beta"},"on",null]}', 0),
      ('f3', 'dev', 'ENABLED', 'on', '{"if":[{"var":"beta"},"on",null]}', 0), ('f4', 'dev', 'ENABLED', 'on', NULL, 0);
    INSERT INTO audit_log (at, actor, action, project_id, resource, before, after) VALUES
      (1, 't', 'flag.configure', 'p', 'projects/default/environments/development/flags/shipped', NULL, '{}'),
      (2, 't', 'release.start', 'p', 'projects/default/environments/development/releases/r1', NULL, '{"flags":[{"key":"shipped","inside":"on","outside":"off"}]}'),
      (3, 't', 'deployment.record', 'p', 'projects/default/environments/development/deployments/d1', NULL, '{"flags":["shipped","pulled"]}'),
      (4, 't', 'sdk-key.create', 'p', 'projects/default/environments/development/sdk-keys/k', NULL, '{}');`);
  const entry = (key: string) => ({ key, inside: 'on', outside: 'off' });
  // shipped: an old rollback, then a newer release that was released: the newer one decided it
  release('r0', 'rolled_back', [entry('shipped')], 100);
  release('r1', 'released', [entry('shipped')], 200);
  release('r2', 'rolled_back', [entry('pulled')], 200);
  release('r3', 'rolled_back', [entry('killed')], 200, { killed: true });
  release('r4', 'paused', [entry('running')], 200, { pausedAt: 500 });
  apply(db, files.find((f) => f.startsWith('0006'))!);
});

describe('migration 0006', () => {
  it('protects production only', () => {
    expect(rows('SELECT key, protected FROM environments ORDER BY key')).toEqual([
      { key: 'development', protected: 0 },
      { key: 'production', protected: 1 },
    ]);
  });

  it('names each release’s flags by id and records a paused release’s pause', () => {
    const r1 = rows("SELECT flags, pauses FROM releases WHERE id = 'r1'")[0];
    expect(JSON.parse(r1.flags)).toEqual([{ key: 'shipped', inside: 'on', outside: 'off', flagId: 'f1' }]);
    expect(JSON.parse(r1.pauses)).toEqual([]);
    expect(JSON.parse(rows("SELECT pauses FROM releases WHERE id = 'r4'")[0].pauses)).toEqual([{ from: 500, to: null }]);
  });

  it('gives audit entries the flags they concern', () => {
    expect(rows('SELECT action, flags FROM audit_log ORDER BY at').map((r) => [r.action, r.flags && JSON.parse(r.flags)])).toEqual([
      ['flag.configure', ['shipped']],
      ['release.start', ['shipped']],
      ['deployment.record', ['shipped', 'pulled']],
      ['sdk-key.create', null],
    ]);
  });

  it('writes each ended release’s outcome into the flags it decided: released → inside, rolled back → outside, killed → outside for everyone', () => {
    const cfg = Object.fromEntries(rows("SELECT flag_id, default_variant, targeting FROM flag_configs WHERE environment_id = 'dev'").map((r) => [r.flag_id, [r.default_variant, r.targeting]]));
    expect(cfg).toEqual({
      f1: ['on', null],
      f2: ['off', '{"if":[{"var":"beta"},"on",null]}'],
      f3: ['off', null],
      f4: ['on', null],
    });
    expect(rows('SELECT version FROM environments').every((r) => r.version === 1)).toBe(true);
  });
});
