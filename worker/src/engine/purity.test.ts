/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';

// Every engine source file, as text and as a module.
const sources = import.meta.glob(['./**/*.ts', '!./**/*.test.ts'], { eager: true, query: '?raw', import: 'default' }) as Record<string, string>;
const modules = import.meta.glob(['./**/*.ts', '!./**/*.test.ts']);

const importsOf = (src: string) => [...src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2]);

describe('engine purity', () => {
  it('finds the engine modules', () => {
    expect(Object.keys(sources)).toEqual(expect.arrayContaining(['./index.ts', './compile.ts', './evaluate.ts', './validate.ts']));
  });

  it.each(Object.keys(sources))('%s imports only engine modules', (file) => {
    for (const spec of importsOf(sources[file])) expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/[a-z0-9-]+(\.json)?$/);
  });

  it.each(Object.keys(sources))('%s uses no eval, new Function or host globals', (file) => {
    const code = sources[file].replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(code).not.toMatch(/\beval\s*\(|new\s+Function\b|\bFunction\s*\(/);
    expect(code).not.toMatch(/\b(process|require|window|document|Buffer|__dirname|crypto\.|Date\.now|Math\.random|performance)\b/);
  });

  it('loads every module in plain Node', async () => {
    for (const load of Object.values(modules)) await expect(load()).resolves.toBeTypeOf('object');
  });

  it('catches a forbidden import (the check itself works)', () => {
    expect(importsOf("import { Hono } from 'hono';\nimport x from './y';")).toEqual(['hono', './y']);
    expect('hono').not.toMatch(/^\.\/[a-z0-9-]+(\.json)?$/);
  });
});

describe('the shipped JSON Schema', () => {
  it('names exactly the operators the engine knows', async () => {
    const schema = (await import('../../../docs/schema/curtain-flags.schema.json')).default as { definitions: { rule: { propertyNames: { enum: string[] } } } };
    const { OPERATORS } = await import('./compile-rule');
    expect([...schema.definitions.rule.propertyNames.enum].sort()).toEqual(['$ref', ...Object.keys(OPERATORS)].sort());
  });
});
