// `curtain evaluate [FLAG] --env ENV --context JSON | --attr k=v`: what the edge answers for one user, and which rule
// of the flag's targeting matched (POST …/evaluate, the dashboard's "Evaluate as…").
import type { Command } from 'commander';
import type { ExplainedEvaluation } from './api';
import { collect, connect, withConnection, withEnv, type ConnectionOpts } from './options';
import { CliError, EXIT, emit, table, usageError } from './output';
import { closeMatches, didYouMean } from './suggest';

interface EvaluateOpts extends ConnectionOpts {
  env: string;
  context?: string;
  attr?: string[];
  targetingKey?: string;
}

/** The context from --context (a JSON object), then --attr k=v (values as JSON when they parse: numbers, booleans), then --targeting-key. */
export function contextOf(opts: Pick<EvaluateOpts, 'context' | 'attr' | 'targetingKey'>): Record<string, unknown> {
  let context: Record<string, unknown> = {};
  if (opts.context !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(opts.context);
    } catch (error) {
      throw usageError(`--context is not JSON: ${(error as Error).message} (e.g. --context '{"targetingKey":"u1","plan":"pro"}')`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw usageError('--context is a JSON object, e.g. \'{"targetingKey":"u1","plan":"pro"}\'');
    context = parsed as Record<string, unknown>;
  }
  for (const a of opts.attr ?? []) {
    const i = a.indexOf('=');
    if (i < 1) throw usageError(`--attr is NAME=VALUE, e.g. --attr plan=pro (got "${a}")`);
    const raw = a.slice(i + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    context[a.slice(0, i)] = a.slice(0, i) === 'targetingKey' ? raw : value;
  }
  if (opts.targetingKey !== undefined) context.targetingKey = opts.targetingKey;
  return context;
}

const ruleWords = (r: ExplainedEvaluation) => (r.matched.branch === null ? (r.reason === 'TARGETING_MATCH' || r.reason === 'SPLIT' ? 'rules' : '-') : `rule ${r.matched.branch + 1}`);
const valueWords = (r: ExplainedEvaluation) => (r.value === undefined ? '(code default)' : JSON.stringify(r.value));

async function evaluate(flag: string | undefined, opts: EvaluateOpts): Promise<void> {
  const client = connect(opts);
  const context = contextOf(opts);
  const { results } = await client.call('post', '/projects/{project}/environments/{env}/evaluate', { path: { env: opts.env }, body: { context } });
  if (flag === undefined) {
    return emit(opts, { env: opts.env, context, results }, () =>
      table([['FLAG', 'VALUE', 'VARIANT', 'REASON', 'MATCHED'], ...results.map((r) => [r.key, valueWords(r), r.variant ?? '', r.reason + (r.errorCode ? ` (${r.errorCode})` : ''), ruleWords(r)])]),
    );
  }
  const result = results.find((r) => r.key === flag);
  if (!result) {
    const close = closeMatches(flag, results.map((r) => r.key));
    throw new CliError(`no flag "${flag}" in ${opts.env} [NOT_FOUND]\n  →${didYouMean(close) || ' see `curtain flags list`'}`, EXIT.failed, { code: 'NOT_FOUND' });
  }
  emit(opts, { env: opts.env, context, ...result }, () => [
    `${result.key} in ${opts.env}: ${valueWords(result)}${result.variant ? ` (variant "${result.variant}")` : ''}`,
    `  reason: ${result.reason}${result.errorCode ? `, ${result.errorCode}: ${result.errorMessage ?? ''}` : ''}`,
    `  matched: ${result.matched.branch === null ? 'no rule (the default, a split, or the release deciding)' : `rule ${result.matched.branch + 1} of the flag's targeting`}`,
  ]);
}

export function evaluateCommand(program: Command): void {
  withEnv(withConnection(program.command('evaluate').description('what the edge answers for one context, with the rule that matched (every flag when none is named)').argument('[flag]', 'the flag key')))
    .option('--context <json>', 'the evaluation context as a JSON object, e.g. \'{"targetingKey":"u1","plan":"pro"}\'')
    .option('--attr <name=value>', 'a context attribute; the value as JSON when it parses (42, true), else text (repeatable)', collect)
    .option('--targeting-key <key>', 'the targetingKey (the user)')
    .action(evaluate);
}
