// A request run on behalf of a piece of state: its busy flag up while it runs, and what went wrong as a message.
import { ApiError } from '../api';

/** What a failure says to the person: the API's message, an error's message, or the thing itself as text. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `work` with `owner[busy]` true until it settles; `owner[error]` is cleared when it starts and holds the
 * failure's message if it fails. The failure is not thrown on: the state shows it.
 */
export async function attempt<B extends string, E extends string>(
  owner: Record<B, boolean> & Record<E, string | null>,
  busy: B,
  error: E,
  work: () => Promise<void>
): Promise<void> {
  // one object seen as its two records: TypeScript cannot write through a key of an intersection of records
  const flags = owner as Record<B, boolean>;
  const messages = owner as Record<E, string | null>;
  flags[busy] = true;
  messages[error] = null;
  try {
    await work();
  } catch (failure) {
    messages[error] = messageOf(failure);
  } finally {
    flags[busy] = false;
  }
}
