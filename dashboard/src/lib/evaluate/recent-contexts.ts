// The contexts recently evaluated as, kept in localStorage (per browser) so they can be picked again.
import type { JsonValue } from '../api-types';

const KEY = 'curtain.recentContexts';
const KEEP = 8;

export type Context = Record<string, JsonValue>;

/** A context for a list: its targeting key and the names of its other attributes. */
export function contextLabel(context: Context): string {
  const { targetingKey, ...rest } = context;
  const names = Object.keys(rest);
  const who = typeof targetingKey === 'string' && targetingKey !== '' ? targetingKey : '(no targetingKey)';
  return names.length ? `${who} · ${names.slice(0, 4).join(', ')}${names.length > 4 ? '…' : ''}` : who;
}

export class RecentContexts {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage) {}

  list(): Context[] {
    try {
      const value: unknown = JSON.parse(this.storage.getItem(KEY) ?? '[]');
      return Array.isArray(value) ? value.filter((c): c is Context => typeof c === 'object' && c !== null && !Array.isArray(c)) : [];
    } catch {
      return [];
    }
  }

  /** Puts the context first (once), keeping the last few; returns the new list. */
  remember(context: Context): Context[] {
    const text = JSON.stringify(context);
    const next = [context, ...this.list().filter((c) => JSON.stringify(c) !== text)].slice(0, KEEP);
    try {
      this.storage.setItem(KEY, JSON.stringify(next));
    } catch {
      // storage full or disabled: the list is only a convenience
    }
    return next;
  }
}
