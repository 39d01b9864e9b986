// A flag's variants as a form: name and value text per row, checked as they are typed, turned into JSON for the API.
import type { FlagType, JsonValue } from '../api-types';

export interface VariantDraft {
  name: string;
  /** the value as typed: "true"/"false", a number, a string, or JSON text for objects */
  text: string;
}

const KEY = /^[^\s]{1,128}$/;

export function toDrafts(variants: Record<string, JsonValue>, type: FlagType): VariantDraft[] {
  return Object.entries(variants).map(([name, value]) => ({
    name,
    text: type === 'object' ? JSON.stringify(value, null, 2) : String(value)
  }));
}

export function defaultDrafts(type: FlagType): VariantDraft[] {
  switch (type) {
    case 'boolean': return [{ name: 'on', text: 'true' }, { name: 'off', text: 'false' }];
    case 'string': return [{ name: 'control', text: 'control' }, { name: 'treatment', text: 'treatment' }];
    case 'integer': return [{ name: 'low', text: '10' }, { name: 'high', text: '100' }];
    case 'float': return [{ name: 'low', text: '0.1' }, { name: 'high', text: '0.9' }];
    case 'object': return [{ name: 'default', text: '{\n  "limit": 10\n}' }];
  }
}

/** What is wrong with one value for this type, or null. */
export function valueProblem(text: string, type: FlagType): string | null {
  switch (type) {
    case 'boolean': return text === 'true' || text === 'false' ? null : 'Choose true or false.';
    case 'string': return null;
    case 'integer': return /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(Number(text)) ? null : 'Enter a whole number.';
    case 'float': return text.trim() !== '' && Number.isFinite(Number(text)) ? null : 'Enter a number.';
    case 'object': {
      try {
        const value: unknown = JSON.parse(text);
        return typeof value === 'object' && value !== null && !Array.isArray(value) ? null : 'An object variant is a JSON object: { … }.';
      } catch (error) {
        return `Not JSON: ${(error as Error).message}`;
      }
    }
  }
}

export function valueOf(text: string, type: FlagType): JsonValue {
  if (type === 'boolean') return text === 'true';
  if (type === 'integer' || type === 'float') return Number(text);
  if (type === 'object') return JSON.parse(text) as JsonValue;
  return text;
}

/** Problems by row (name, value) and for the whole list; empty when the drafts can be sent. */
export function draftProblems(drafts: readonly VariantDraft[], type: FlagType): { rows: (string | null)[]; list: string | null } {
  const seen = new Set<string>();
  const rows = drafts.map((d) => {
    if (!KEY.test(d.name)) return 'Name the variant (no spaces).';
    if (seen.has(d.name)) return `“${d.name}” is used twice.`;
    seen.add(d.name);
    return valueProblem(d.text, type);
  });
  return { rows, list: drafts.length === 0 ? 'A flag needs at least one variant.' : null };
}

export function fromDrafts(drafts: readonly VariantDraft[], type: FlagType): Record<string, JsonValue> {
  return Object.fromEntries(drafts.map((d) => [d.name, valueOf(d.text, type)]));
}
