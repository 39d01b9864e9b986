// A flag's results by variant name: what a rule's returned variant name resolves to, made on first use.

import type { EvaluationResult } from './types';

/**
 * Results by variant name, made on first use. Rules return the same literal strings every time, so
 * a short list compared by identity beats hashing; past eight names a Map takes the rest.
 */
export class ResultCache {
  private readonly names: string[] = [];
  private readonly results: EvaluationResult[] = [];
  private more: Map<string, EvaluationResult> | null = null;

  get(name: string): EvaluationResult | undefined {
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === name) return this.results[i];
    return this.more === null ? undefined : this.more.get(name);
  }

  set(name: string, result: EvaluationResult): void {
    if (this.names.length < 8) {
      this.names.push(name);
      this.results.push(result);
    } else (this.more ??= new Map()).set(name, result);
  }
}
