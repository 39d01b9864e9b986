// A plan as typed: holds in the unit people use, problems per step, and the steps the API takes.
import { describe, expect, it } from 'vitest';
import { keyFrom, stepProblems, toDraft, toSteps, type StepDraft } from './plan-draft';

const d = (percent: string, hold = '1', unit: StepDraft['unit'] = 'hours'): StepDraft => ({ percent, hold, unit });

describe('plan drafts', () => {
  it('reads holds in the largest whole unit and writes them back in minutes', () => {
    expect([toDraft({ percent: 1, holdMinutes: 120 }), toDraft({ percent: 5, holdMinutes: 2880 }), toDraft({ percent: 5, holdMinutes: 90 })]).toEqual([d('1', '2'), d('5', '2', 'days'), d('5', '90', 'minutes')]);
    expect(toSteps([d('0.01', '30', 'minutes'), d('12.5', '1.5', 'hours'), d('100', '1', 'days')])).toEqual([
      { percent: 0.01, holdMinutes: 30 },
      { percent: 12.5, holdMinutes: 90 },
      { percent: 100, holdMinutes: 1440 }
    ]);
  });

  it('says what is wrong with each step', () => {
    expect(stepProblems([d('0'), d('101'), d('1.234'), d('x'), d('5'), d('2'), d('50', '-1'), d('60', '')])).toEqual([
      'A share of users above 0 and at most 100 %.',
      'A share of users above 0 and at most 100 %.',
      'At most two decimals (0.01 % steps).',
      'A share of users above 0 and at most 100 %.',
      null,
      'Not below the step before: users only ever join a rollout.',
      'A hold of 0 or more.',
      'A hold of 0 or more.'
    ]);
    expect(stepProblems([d('0.01'), d('0.01'), d('100', '0')])).toEqual([null, null, null]);
  });

  it('makes a key from a name', () => {
    expect(keyFrom('New checkout (EU) — Q4!')).toBe('new-checkout-eu-q4');
  });
});
