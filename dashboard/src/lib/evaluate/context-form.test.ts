// A context as a form: rows in, the same context out; problems per row; the attributes an environment's rules read.
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../api-types';
import { attributesUsed, contextOf, rowsOf } from './context-form';

describe('a context as attribute rows', () => {
  it('reads back the context it came from, targetingKey first, types kept', () => {
    const context = { plan: 'pro', age: 42, beta: false, targetingKey: 'user-1' };
    const rows = rowsOf(context)!;
    expect(rows.map((r) => `${r.name}:${r.type}`)).toEqual(['targetingKey:string', 'plan:string', 'age:number', 'beta:boolean']);
    expect(contextOf(rows)).toEqual({ context: { targetingKey: 'user-1', plan: 'pro', age: 42, beta: false }, problems: [null, null, null, null] });
  });

  it('starts with an empty targetingKey row, and keeps nested values as JSON only', () => {
    expect(rowsOf({})).toEqual([{ name: 'targetingKey', type: 'string', value: '' }]);
    expect(rowsOf({ user: { id: 1 } })).toBeNull();
    expect(rowsOf({ tags: ['a'] })).toBeNull();
  });

  it('says what is wrong with a row, and leaves blank rows out', () => {
    const { context, problems } = contextOf([
      { name: 'age', type: 'number', value: 'old' },
      { name: '', type: 'string', value: 'x' },
      { name: 'plan', type: 'string', value: 'pro' },
      { name: 'plan', type: 'string', value: 'free' },
      { name: '', type: 'string', value: '' }
    ]);
    expect(problems).toEqual(['A number.', 'Name the attribute.', null, '“plan” is there twice.', null]);
    expect(context).toEqual({ plan: 'pro' });
  });
});

describe('the attributes an environment’s rules read', () => {
  it('are every var name (first segment), split bucketing included, the evaluation’s own left out', () => {
    const rules: JsonValue[] = [
      { if: [{ in: [{ var: 'country' }, ['de']] }, 'on', { '==': [{ var: ['plan', 'free'] }, 'pro'] }, 'on'] },
      { fractional: [{ var: 'email' }, ['a', 1], ['b', 1]] },
      { '>=': [{ var: '$flagd.timestamp' }, 1] },
      { '==': [{ var: 'user.tier' }, 'gold'] },
      null
    ];
    expect(attributesUsed(rules)).toEqual(['country', 'email', 'plan', 'user']);
  });
});
