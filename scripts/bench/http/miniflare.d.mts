// Types of miniflare.mjs, for the TypeScript tests that serve the bundled worker with it (worker/test-clients).
import type { D1Database } from '@cloudflare/workers-types';
import type { Miniflare } from 'miniflare';

export const root: string;
export function requireNode22(): void;
export function loadMiniflare(): Promise<typeof import('miniflare')>;
export function tempDir(prefix: string): string;
export function randomToken(prefix?: string): string;
export function bundleWorker(outdir: string): string;
export function compatibilityDate(): string;
export function curtainWorker(options: { name?: string; scriptPath: string; adminToken: string; channelsIn?: string; extra?: Record<string, unknown> }): Promise<Record<string, any>>;
export function trivialWorker(name?: string): Record<string, unknown>;
export function startMiniflare(options: Record<string, unknown>, opts?: { persistTo?: string }): Promise<{ mf: Miniflare; url: string }>;
export function applyMigrations(db: D1Database): Promise<string[]>;
export interface CallResult {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}
export function call(base: string, method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<CallResult>;
export function callOk(base: string, method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<any>;
export function bootstrap(base: string, adminToken: string): Promise<string>;
export function withoutLimit(base: string, adminToken: string, secret: string): Promise<void>;
export function removeDir(dir: string): void;
