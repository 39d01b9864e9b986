// Edits of a targeting model that keep its JSON minimal: the first rule turns a bare result into an `if` chain,
// removing the last rule turns it back.
import type { Condition } from './conditions';
import type { Outcome, Rule, Targeting } from './targeting';

export function newCondition(): Condition {
  return { op: '==', attribute: '', values: [''], type: 'string' };
}

export function newRule(variant: string | null): Rule {
  return { match: { combine: 'single', conditions: [newCondition()] }, outcome: variant === null ? { kind: 'default' } : { kind: 'variant', variant } };
}

/** What everyone not matched by a rule gets: null means the flag's default variant (no `else`). */
export function otherwiseOf(t: Targeting): Outcome | null {
  return t.form === 'if' ? t.otherwise : t.form === 'bare' ? t.outcome : null;
}

export function rulesOf(t: Targeting): Rule[] {
  return t.form === 'if' ? t.rules : [];
}

export function withRules(t: Targeting, rules: Rule[]): Targeting {
  const otherwise = otherwiseOf(t);
  if (rules.length > 0) return { form: 'if', rules, otherwise };
  return otherwise ? { form: 'bare', outcome: otherwise } : { form: 'none', empty: null };
}

export function withOtherwise(t: Targeting, otherwise: Outcome | null): Targeting {
  if (t.form === 'if') return { ...t, otherwise };
  return otherwise ? { form: 'bare', outcome: otherwise } : { form: 'none', empty: null };
}

export function moveRule(rules: Rule[], from: number, to: number): Rule[] {
  if (to < 0 || to >= rules.length) return rules;
  const next = [...rules];
  const [rule] = next.splice(from, 1);
  next.splice(to, 0, rule);
  return next;
}
