// JSON typed by a person: parsed with a message that says where it breaks, and printed for editing.
import type { JsonValue } from './api-types';

export type Parsed = { ok: true; value: JsonValue } | { ok: false; message: string };

export function parseJsonText(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    if (!at) return { ok: false, message: `Not valid JSON: ${message}` };
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return { ok: false, message: `Not valid JSON at line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}` };
  }
}

export const pretty = (value: JsonValue | undefined) => JSON.stringify(value ?? null, null, 2);
