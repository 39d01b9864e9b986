// A snapshot is one committed state: its flags, version and SDK keys are read in one batch, so a key revoked while a
// snapshot is being built is never published as active under the version that revoked it (nor missing under the one before).
import { beforeAll, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { openDb } from '../src/store/db';
import { buildSnapshot } from '../src/store/snapshots';
import { bootstrap, call, createKey } from './helpers';

/**
 * A D1 binding that runs the worker's statements one at a time and calls `between` once, after the first one that
 * reads flags or SDK keys: a write that lands between a snapshot's reads, made deterministic.
 */
class InterleavingD1 {
  readonly log: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private fired = false;
  constructor(private readonly between: () => Promise<void>) {}

  private run<T>(sql: string, op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      const result = await op();
      this.log.push(sql);
      if (!this.fired && /"(flags|sdk_keys)"/.test(sql)) {
        this.fired = true;
        await this.between();
      }
      return result;
    });
    this.queue = next.catch(() => {});
    return next;
  }

  prepare(sql: string) {
    return this.wrap(env.DB.prepare(sql), sql);
  }

  private wrap(stmt: D1PreparedStatement, sql: string): any {
    return {
      stmt,
      sql,
      bind: (...values: unknown[]) => this.wrap(stmt.bind(...values), sql),
      all: () => this.run(sql, () => stmt.all()),
      raw: (options?: { columnNames?: boolean }) => this.run(sql, () => stmt.raw(options as never)),
      first: (column?: string) => this.run(sql, () => (column ? stmt.first(column) : stmt.first())),
      run: () => this.run(sql, () => stmt.run()),
    };
  }

  batch(stmts: { stmt: D1PreparedStatement; sql: string }[]) {
    return this.run(stmts.map((s) => s.sql).join(';\n'), () => env.DB.batch(stmts.map((s) => s.stmt)));
  }
}

let environmentId: string;
beforeAll(async () => {
  await bootstrap();
  environmentId = (await (await call('GET', '/api/v1/projects/default/environments/development')).json<{ id: string }>()).id;
});

it('a key revoked between the reads of a snapshot is active only under the version before the revocation', async () => {
  const key = await createKey('server');
  const version = async () => (await env.DB.prepare('SELECT version FROM environments WHERE id = ?').bind(environmentId).first<number>('version'))!;
  const before = await version();
  const d1 = new InterleavingD1(async () => {
    expect((await call('DELETE', `/api/v1/projects/default/environments/development/sdk-keys/${key.id}`)).status).toBe(204);
  });
  const snapshot = (await buildSnapshot(openDb(d1 as unknown as D1Database), environmentId))!;
  expect(await version()).toBe(before + 1);
  // one committed state or the other, never a mix of the two
  expect([snapshot.version, key.id in snapshot.sdkKeys]).toEqual(snapshot.version === before ? [before, true] : [before + 1, false]);
  // and the structure that guarantees it: flags and keys come from the same batch
  expect(d1.log.filter((sql) => /"flags"/.test(sql) && /"sdk_keys"/.test(sql))).toHaveLength(1);
});
