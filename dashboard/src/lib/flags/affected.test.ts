// The share of users a change affects: exact for one variant or one split, unknown (said so) where rules decide.
import { describe, expect, it } from 'vitest';
import { affectedText, affectedUsers } from './affected';

const on = (targeting: unknown = null, defaultVariant: string | null = 'on') => ({ state: 'ENABLED' as const, defaultVariant, targeting: targeting as never });
const off = { state: 'DISABLED' as const, defaultVariant: 'on', targeting: null };

describe('the users a change affects', () => {
  it('is everyone for a switch, nobody for no change', () => {
    expect(affectedUsers(off, on()).percent).toBe(100);
    expect(affectedUsers(on({ fractional: [['on', 1], ['off', 99]] }), off).percent).toBe(100);
    expect(affectedUsers(on(), on()).percent).toBe(0);
  });

  it('is the users whose place in the split changes variant', () => {
    expect(affectedUsers(on({ fractional: [['on', 10], ['off', 90]] }), on({ fractional: [['on', 25], ['off', 75]] })).percent).toBe(15);
    expect(affectedUsers(on(null, 'off'), on({ fractional: [['on', 1], ['off', 9999]] })).percent).toBe(0.01);
    expect(affectedUsers(on(null, 'off'), on(null, 'on')).percent).toBe(100);
    expect(affectedUsers(on('on'), on({ fractional: [['off', 50], ['on', 50]] })).percent).toBe(50);
  });

  it('depends on who matches when rules decide, or when splits bucket by different attributes', () => {
    expect(affectedUsers(on(null), on({ if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'off'] })).percent).toBeNull();
    expect(affectedUsers(on({ fractional: [{ var: 'email' }, ['on', 1], ['off', 1]] }), on({ fractional: [['on', 1], ['off', 1]] })).percent).toBeNull();
  });

  it('says it in words', () => {
    expect(affectedText({ percent: 100 }, 'Production')).toBe('every user in Production (100 %)');
    expect(affectedText({ percent: 15 }, 'Production')).toBe('about 15 % of users in Production');
    expect(affectedText({ percent: null }, 'Production')).toMatch(/depends on who matches/);
  });
});
