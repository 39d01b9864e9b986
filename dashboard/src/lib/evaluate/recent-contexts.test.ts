// Recent contexts: newest first, each once, a few kept, and nothing lost to bad storage content.
import { describe, expect, it } from 'vitest';
import { contextLabel, RecentContexts } from './recent-contexts';

function memory(initial?: string) {
  const items = new Map<string, string>(initial === undefined ? [] : [['curtain.recentContexts', initial]]);
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

describe('recent contexts', () => {
  it('keeps the newest first, each once, at most eight', () => {
    const recent = new RecentContexts(memory());
    for (let i = 0; i < 10; i++) recent.remember({ targetingKey: `u${i}` });
    recent.remember({ targetingKey: 'u5' });
    const keys = recent.list().map((c) => c.targetingKey);
    expect(keys).toEqual(['u5', 'u9', 'u8', 'u7', 'u6', 'u4', 'u3', 'u2']);
  });

  it('reads broken or foreign storage as empty', () => {
    expect(new RecentContexts(memory('not json')).list()).toEqual([]);
    expect(new RecentContexts(memory('{"a":1}')).list()).toEqual([]);
    expect(new RecentContexts(memory('[1, {"targetingKey":"x"}]')).list()).toEqual([{ targetingKey: 'x' }]);
  });

  it('labels a context by its targeting key and attribute names', () => {
    expect(contextLabel({ targetingKey: 'u1', email: 'a@b.c', plan: 'pro' })).toBe('u1 · email, plan');
    expect(contextLabel({ country: 'de' })).toBe('(no targetingKey) · country');
  });
});
