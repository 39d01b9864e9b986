// A flag's targeting in plain sentences ("if country is one of de, fr → blue; otherwise 90 % red, 10 % green"), built on
// the rule builder's exact model: whatever the builder cannot show as a form is shown as its JSON, never guessed at.
import type { BuilderCondition, Condition } from './conditions';
import { operatorSpec, type SemVerOp } from './operators';
import { percentages } from './split';
import { parseTargeting, type Match, type Outcome } from './targeting';
import type { JsonValue } from './json';

/** Words; a value from the rules (an attribute, a literal, a variant); or a part shown as its JSON. */
export type Part = { text: string } | { value: string; literal?: JsonValue } | { json: JsonValue };

/** One line: a rule, or what everyone else gets. */
export type Sentence = Part[];

export interface WordsContext {
  /** what a `null` result serves: the flag's default variant (null: the code's default) */
  defaultVariant?: string | null;
  /** who decides for the users a `null` result leaves to the default, when not the default variant (e.g. "the release") */
  leftTo?: string;
}

const SEM_VER: Record<SemVerOp, string> = {
  '=': 'is', '!=': 'is not', '<': 'is below', '<=': 'is at most', '>': 'is above', '>=': 'is at least', '^': 'is compatible with', '~': 'is close to'
};

const VERBS: Record<string, string> = {
  '==': 'is', '!=': 'is not', '===': 'is exactly', '!==': 'is not exactly', '<': 'is below', '<=': 'is at most', '>': 'is above', '>=': 'is at least',
  in: 'is one of', not_in: 'is none of', contains: 'contains', not_contains: 'does not contain', starts_with: 'starts with', ends_with: 'ends with',
  regex: 'matches the pattern', regex_i: 'matches the pattern (any case)', before: 'is before', after: 'is after', ip_in: 'is an IP in'
};

const t = (text: string): Part => ({ text });

/** A typed value as people read it: plain, unless plain would mislead (empty, spaced, or holding a comma). */
function value(raw: string, type: BuilderCondition['type']): Part {
  const literal: JsonValue = type === 'number' ? Number(raw) : type === 'boolean' ? raw === 'true' : raw;
  const plain = type !== 'string' || (raw !== '' && raw.trim() === raw && !raw.includes(','));
  return { value: plain ? raw : JSON.stringify(raw), literal };
}

const list = (parts: Part[], last = ', '): Part[] => parts.flatMap((p, i) => (i === 0 ? [p] : [t(i === parts.length - 1 ? last : ', '), p]));

export function conditionWords(c: Condition): Part[] {
  if (c.op === 'json') return [{ json: c.json }];
  const values = c.values.map((v) => value(v, c.type));
  const subject: Part = { value: c.attribute };
  switch (c.op) {
    case 'segment': return [t('in the segment '), values[0]];
    case 'evaluator': return [t('matches the shared rule '), values[0]];
    case 'prerequisite': return [t('flag '), subject, t(values.length === 1 ? ' serves ' : ' serves one of '), ...list(values)];
    case 'between': return [subject, t(' is between '), values[0], t(' and '), values[1], t(' (both excluded)')];
    case 'between_inclusive': return [subject, t(' is from '), values[0], t(' to '), values[1]];
    case 'before':
    case 'after': return [...(c.attribute === '' ? [t('the time')] : [subject]), t(` ${VERBS[c.op]} `), values[0]];
  }
  if (c.op.startsWith('sem_ver:')) return [subject, t(` ${SEM_VER[c.op.slice(8) as SemVerOp]} `), values[0], t(' (semver)')];
  if (operatorSpec(c.op).arity === 'list') return [subject, t(` ${VERBS[c.op]} `), ...list(values)];
  return [subject, t(` ${VERBS[c.op]} `), values[0]];
}

export function matchWords(m: Match): Part[] {
  const joint = m.combine === 'or' ? ' or ' : ' and ';
  return m.conditions.flatMap((c, i) => [...(i > 0 ? [t(joint)] : []), ...conditionWords(c)]);
}

const share = (p: number) => `${Number(p.toFixed(2))} %`;

/** What a result serves: a variant, the default, a split's shares, or JSON that names the variant. */
export function outcomeWords(o: Outcome, ctx: WordsContext = {}): Part[] {
  switch (o.kind) {
    case 'variant': return [{ value: o.variant }];
    case 'default':
      if (ctx.leftTo) return [t(ctx.leftTo)];
      return ctx.defaultVariant ? [t('the default variant '), { value: ctx.defaultVariant }] : [t('the default in the code')];
    case 'json': return [t('the variant named by '), { json: o.json }];
    case 'split': {
      const shares = percentages(o.buckets);
      const buckets = o.buckets.flatMap((b, i) => [...(i > 0 ? [t(', ')] : []), t(`${share(shares[i])} `), { value: b.variant }]);
      return o.bucketBy === null ? buckets : [t('split by '), { value: o.bucketBy }, t(': '), ...buckets];
    }
  }
}

/** The targeting as sentences: one per rule, then what everyone else gets. */
export function targetingWords(json: JsonValue | undefined, ctx: WordsContext = {}): Sentence[] {
  const model = parseTargeting(json);
  if (model.form === 'none') return [[t(ctx.leftTo ? 'no rules: ' : 'everyone gets '), ...outcomeWords({ kind: 'default' }, ctx), ...(ctx.leftTo ? [t(' decides for everyone')] : [])]];
  if (model.form === 'bare') return [[t(model.outcome.kind === 'split' ? 'everyone: ' : 'everyone gets '), ...outcomeWords(model.outcome, ctx)]];
  return [
    ...model.rules.map((r) => [t('if '), ...matchWords(r.match), t(' → '), ...outcomeWords(r.outcome, ctx)]),
    [t(model.otherwise?.kind === 'split' ? 'otherwise ' : 'otherwise → '), ...outcomeWords(model.otherwise ?? { kind: 'default' }, ctx)]
  ];
}

/** A flag's configuration in one environment: off (the code's default), or its rules. */
export function configWords(config: { state: string; defaultVariant: string | null; targeting: JsonValue | null } | undefined): Sentence[] {
  if (!config || config.state !== 'ENABLED') return [[t('off: SDKs use the default in their code')]];
  return targetingWords(config.targeting, { defaultVariant: config.defaultVariant });
}

export function partText(p: Part): string {
  return 'text' in p ? p.text : 'value' in p ? p.value : JSON.stringify(p.json);
}

/** Sentences as one line of text, for labels and titles. */
export const wordsText = (sentences: Sentence[]) => sentences.map((s) => s.map(partText).join('')).join('; ');
