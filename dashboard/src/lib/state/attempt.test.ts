import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { attempt, messageOf } from './attempt';

describe('attempt', () => {
  it('keeps the busy flag up while the work runs and clears an earlier error', async () => {
    const owner = { pending: false, error: 'old failure' as string | null };
    const seen: Array<[boolean, string | null]> = [];
    await attempt(owner, 'pending', 'error', async () => {
      seen.push([owner.pending, owner.error]);
    });
    expect(seen).toEqual([[true, null]]);
    expect(owner).toEqual({ pending: false, error: null });
  });

  it('keeps what a failure says instead of throwing it, and drops the busy flag', async () => {
    const owner = { loading: false, loadError: null as string | null };
    await expect(attempt(owner, 'loading', 'loadError', async () => {
      throw new ApiError(409, 'CONFLICT', 'The flag changed meanwhile');
    })).resolves.toBeUndefined();
    expect(owner).toEqual({ loading: false, loadError: 'The flag changed meanwhile' });
  });

  it('writes through the accessors of a class, as $state fields compile to', async () => {
    class Held {
      #busy = false;
      log: boolean[] = [];
      error: string | null = null;
      get busy() { return this.#busy; }
      set busy(value: boolean) { this.#busy = value; this.log.push(value); }
    }
    const held = new Held();
    await attempt(held, 'busy', 'error', async () => {
      throw new Error('offline');
    });
    expect(held.log).toEqual([true, false]);
    expect(held.error).toBe('offline');
  });
});

describe('messageOf', () => {
  it('says an error by its message and anything else as text', () => {
    expect(messageOf(new ApiError(400, 'INVALID_DEFINITION', 'key is missing'))).toBe('key is missing');
    expect(messageOf(new TypeError('Failed to fetch'))).toBe('Failed to fetch');
    expect(messageOf('timeout')).toBe('timeout');
  });
});
