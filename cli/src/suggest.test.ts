// Close matches for typed names and typo-like new flag keys.
import { describe, expect, it } from 'vitest';
import { closeMatches, didYouMean, editDistance, typoOf } from './suggest';

describe('edit distance', () => {
  it.each([
    ['checkout', 'checkout', 0],
    ['chekout', 'checkout', 1],
    ['cehckout', 'checkout', 1],
    ['checkout-v3', 'checkout-v2', 1],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));
});

describe('close matches', () => {
  const envs = ['development', 'staging', 'production'];
  it('suggests production for prod, staging for stagign, development for dev', () => {
    expect(closeMatches('prod', envs)).toEqual(['production']);
    expect(closeMatches('stagign', envs)).toEqual(['staging']);
    expect(closeMatches('dev', envs)).toEqual(['development']);
    expect(didYouMean(closeMatches('prod', envs))).toBe(' did you mean "production"?');
  });

  it('suggests nothing for an unrelated name', () => {
    expect(closeMatches('qa', envs)).toEqual([]);
    expect(didYouMean([])).toBe('');
  });
});

describe('typo-like new keys', () => {
  const existing = ['checkout-v2', 'new-search', 'ab'];
  it('names the existing key one or two edits away', () => {
    expect(typoOf('chekout-v2', existing)).toBe('checkout-v2');
    expect(typoOf('new-serch', existing)).toBe('new-search');
    expect(typoOf('nwe-serch', existing)).toBe('new-search');
  });

  it('lets genuinely new keys and exact ones through', () => {
    expect(typoOf('checkout-v2', existing)).toBeNull();
    expect(typoOf('dark-mode', existing)).toBeNull();
    expect(typoOf('xy', existing)).toBeNull(); // short keys: one edit at most, and "xy" is two from "ab"
  });
});
