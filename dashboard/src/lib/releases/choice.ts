// The variants a release serves for a flag when it is added: what users get now stays outside, the change goes inside.
import type { Flag } from '../api-types';

export interface FlagChoice {
  key: string;
  inside: string;
  outside: string;
}

/**
 * Booleans: true inside, false outside. Other types: outside is what users get now in the environment (the flag's
 * default variant there), inside the first other variant.
 */
export function defaultChoice(flag: Flag, env: string): FlagChoice {
  const names = Object.keys(flag.variants);
  if (flag.type === 'boolean') {
    const byValue = (v: boolean) => names.find((n) => flag.variants[n] === v);
    const inside = byValue(true) ?? names[0] ?? '';
    return { key: flag.key, inside, outside: byValue(false) ?? names.find((n) => n !== inside) ?? inside };
  }
  const now = flag.environments[env]?.defaultVariant;
  const outside = now && names.includes(now) ? now : (names[0] ?? '');
  return { key: flag.key, inside: names.find((n) => n !== outside) ?? outside, outside };
}
