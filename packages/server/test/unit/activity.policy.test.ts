import { describe, expect, it } from 'vitest';
import { type ActivityWrite, activityWriteRefusal } from '../../src/modules/activities/activity.policy.js';
import { campaignWriteRefusal } from '../../src/modules/campaigns/campaign.policy.js';

const a = (extra: Partial<ActivityWrite> = {}): ActivityWrite => ({
  kind: 'task',
  aboutObject: 'accounts',
  aboutId: 'x',
  dueDate: null,
  done: false,
  ...extra,
});

describe('activity writes', () => {
  it.each([
    ['a task with a due date', a({ dueDate: '2026-01-02' }), undefined, null],
    ['a done task', a({ done: true }), a(), null],
    ['a call with a due date', a({ kind: 'call', dueDate: '2026-01-02' }), undefined, 'only a task'],
    ['a note marked done', a({ kind: 'note', done: true }), undefined, 'only a task'],
    ['moved to another record', a({ aboutId: 'y' }), a(), 'stays attached'],
    ['moved to another kind of record', a({ aboutObject: 'contacts' }), a(), 'stays attached'],
  ] as const)('%s', (_name, next, previous, refusal) => {
    const got = activityWriteRefusal(next, previous);
    if (refusal === null) expect(got).toBeNull();
    else expect(got).toContain(refusal);
  });
});

describe('campaign writes', () => {
  it.each([
    ['no dates', null, null, null],
    ['one day', '2026-05-01', '2026-05-01', null],
    ['ends before it starts', '2026-05-02', '2026-05-01', 'before startDate'],
  ] as const)('%s', (_name, startDate, endDate, refusal) => {
    const got = campaignWriteRefusal({ startDate, endDate });
    if (refusal === null) expect(got).toBeNull();
    else expect(got).toContain(refusal);
  });
});
