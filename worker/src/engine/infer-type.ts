// A flag's type, read from its variants.

import type { FlagType, JsonValue } from './types';

function typeOfValue(v: JsonValue): FlagType | null {
  switch (typeof v) {
    case 'boolean': return 'boolean';
    case 'string': return 'string';
    case 'number': return Number.isInteger(v) ? 'integer' : Number.isFinite(v) ? 'float' : null;
    case 'object': return v !== null && !Array.isArray(v) ? 'object' : null;
    default: return null;
  }
}

/**
 * 'boolean' | 'string' | 'integer' | 'float' | 'object', or null for no variants or mixed types.
 * Integers and floats mix into 'float' (both are flagd numbers).
 */
export function inferFlagType(variants: Record<string, JsonValue> | null | undefined): FlagType | null {
  if (!variants || typeof variants !== 'object') return null;
  let type: FlagType | null = null;
  for (const key of Object.keys(variants)) {
    const t = typeOfValue(variants[key]);
    if (t === null) return null;
    if (type === null || type === t) type = t;
    else if ((type === 'integer' || type === 'float') && (t === 'integer' || t === 'float')) type = 'float';
    else return null;
  }
  return type;
}
