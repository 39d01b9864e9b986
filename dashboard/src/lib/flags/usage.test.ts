// Flag usage in words: counts, how long ago, environment names, and why a flag is ready to clean up.
import { describe, expect, it } from 'vitest';
import { agoText, compactCount, envNames, staleText, usageText, usageTitle } from './usage';

const now = Date.parse('2027-03-10T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('flag usage in words', () => {
  it('says how long ago', () => {
    expect([agoText(ago(30_000), now), agoText(ago(5 * 60_000), now), agoText(ago(3 * 3_600_000), now), agoText(ago(12 * 86_400_000), now)])
      .toEqual(['just now', '5 min ago', '3 h ago', '12 d ago']);
  });

  it('counts for a narrow cell', () => {
    expect([compactCount(950), compactCount(1240), compactCount(12_345), compactCount(4_510_000)]).toEqual(['950', '1.2k', '12k', '4.5M']);
  });

  it('says when and how often per environment', () => {
    expect(usageText({ lastEvaluatedAt: ago(5 * 60_000), evaluations24h: 1240 }, now)).toBe('1.2k in 24 h · 5 min ago');
    expect(usageText({ lastEvaluatedAt: ago(3 * 86_400_000), evaluations24h: 0 }, now)).toBe('none in 24 h · 3 d ago');
    expect(usageText({ lastEvaluatedAt: null, evaluations24h: 0 }, now)).toBe('not evaluated in 30 d');
    expect(usageText(undefined, now)).toBeNull();
    expect(usageTitle({ lastEvaluatedAt: ago(5 * 60_000), evaluations24h: 1240 }, 'Production', now)).toMatch(/^Evaluated 1,240 times in Production in the last 24 hours; last 5 min ago/);
  });

  it('names environments in the project’s order', () => {
    const envs = [{ key: 'development', name: 'Development' }, { key: 'staging', name: 'Staging' }, { key: 'production', name: 'Production' }];
    expect(envNames(['production', 'staging'], envs)).toBe('Staging and Production');
    expect(envNames(['production', 'development', 'staging'], envs)).toBe('Development, Staging and Production');
    expect(envNames(['gone'], envs)).toBe('gone');
  });

  it('says why a flag is ready to clean up', () => {
    expect(staleText({ reason: 'released', since: ago(20 * 86_400_000), stillInCode: [] }, 14, now)).toMatch(/^Released to everyone since .* \(20 d ago; ready after 14 d\): remove it from the code, then archive it\.$/);
    expect(staleText({ reason: 'unevaluated', since: ago(40 * 86_400_000), stillInCode: [] }, 14, now)).toMatch(/^Not evaluated in any environment since/);
  });
});
