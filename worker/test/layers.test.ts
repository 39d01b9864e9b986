// Dependencies run one way: routes (and the app, its context and middleware) → edge and snapshot → store
// → engine. No module of a lower layer imports a higher one, and no modules import each other in a circle.
/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob(['../src/**/*.ts', '!../src/**/*.test.ts'], { eager: true, query: '?raw', import: 'default' }) as Record<string, string>;
const files = Object.keys(sources).map((f) => f.slice('../src/'.length));

const importsOf = (src: string) => [...src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1]);

/** `spec` imported from `file`, as a path under src/ (`edge/sdk-auth.ts`). */
function resolve(file: string, spec: string): string {
  const parts = file.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  const path = parts.join('/');
  return /\.(ts|json)$/.test(path) ? path : `${path}.ts`;
}

const graph = new Map(files.map((f) => [f, importsOf(sources[`../src/${f}`]).map((s) => resolve(f, s)).filter((d) => files.includes(d))]));

/** The modules that know about HTTP routing: Hono sub-apps, the app, its typed context and middleware. */
const routeLevel = (f: string) => f.startsWith('routes/') || ['app.ts', 'index.ts', 'context.ts', 'auth/admin.ts', 'auth/sdk-key.ts'].includes(f);

/** The first import cycle found from `start`, as a list of modules, or null. */
function cycleFrom(start: string, deps: Map<string, string[]>): string[] | null {
  const path: string[] = [];
  const done = new Set<string>();
  const visit = (f: string): string[] | null => {
    const at = path.indexOf(f);
    if (at >= 0) return [...path.slice(at), f];
    if (done.has(f)) return null;
    path.push(f);
    for (const d of deps.get(f) ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    path.pop();
    done.add(f);
    return null;
  };
  return visit(start);
}

describe('layers', () => {
  it('finds the modules and their imports', () => {
    expect(files).toEqual(expect.arrayContaining(['context.ts', 'edge/live-snapshots.ts', 'snapshot/publish.ts', 'store/sdk-keys.ts']));
    expect(graph.get('routes/publish-and-adopt.ts')).toEqual(expect.arrayContaining(['edge/live-snapshots.ts', 'snapshot/publish.ts']));
  });

  it('no modules import each other in a circle', () => {
    for (const f of files) expect(cycleFrom(f, graph), f).toBeNull();
  });

  it.each(files.filter((f) => /^(edge|snapshot|store|engine)\//.test(f)))('%s imports nothing route-level', (file) => {
    for (const d of graph.get(file)!) expect(routeLevel(d), `${file} imports ${d}`).toBe(false);
  });

  it.each(files.filter((f) => /^(snapshot|store)\//.test(f)))('%s imports nothing from the edge', (file) => {
    for (const d of graph.get(file)!) expect(d.startsWith('edge/'), `${file} imports ${d}`).toBe(false);
  });

  it('the checks themselves work: a circle and an upward import are found', () => {
    expect(cycleFrom('a.ts', new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']]]))).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(resolve('snapshot/publish.ts', '../edge/live-snapshots')).toBe('edge/live-snapshots.ts');
    expect(routeLevel('context.ts')).toBe(true);
  });
});
