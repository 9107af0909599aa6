import { describe, expect, it } from 'vitest';
import {
  addMonths,
  isOverdue,
  pausedDaysOf,
  piplCalendar,
  prcStateCouncilCalendar,
  reminderStage,
  reminderTimes,
  requestDeadline,
} from '../../src/privacy/index.js';

const base = { controllerTimeZone: 'Europe/Berlin', now: new Date('2026-03-01T00:00:00Z') };

describe('the request clock', () => {
  it('does not run while identity is unverified', () => {
    expect(requestDeadline({ ...base, law: 'gdpr', verifiedAt: null }, piplCalendar)).toBeNull();
  });

  it('refuses an extension under PIPL, which names none', () => {
    expect(() => requestDeadline({ ...base, law: 'pipl', verifiedAt: new Date('2026-03-02T02:00:00Z'), extended: true }, piplCalendar)).toThrow(/no extension/);
  });

  it('counts an open pause up to now, each started day as a whole day', () => {
    const from = new Date('2026-03-02T10:00:00Z');
    expect(pausedDaysOf([{ from, to: null }], new Date('2026-03-02T10:00:01Z'))).toBe(1);
    expect(pausedDaysOf([{ from, to: null }], new Date('2026-03-04T10:00:00Z'))).toBe(2);
    expect(pausedDaysOf([], new Date())).toBe(0);
    expect(() => pausedDaysOf([{ from, to: new Date('2026-03-01T00:00:00Z') }], new Date())).toThrow(/before it starts/);
  });

  it('adds months the EU way', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-12-31', 2)).toBe('2027-02-28');
  });

  it('reminds a week, three days and one day before the due instant', () => {
    const due = new Date('2026-03-31T21:59:59.999Z');
    expect(reminderTimes(due).map((t) => t.toISOString())).toEqual(['2026-03-24T21:59:59.999Z', '2026-03-28T21:59:59.999Z', '2026-03-30T21:59:59.999Z']);
    expect(reminderStage(due, new Date('2026-03-24T21:59:59.998Z'))).toBe(0);
    expect(reminderStage(due, new Date('2026-03-24T21:59:59.999Z'))).toBe(1);
    expect(reminderStage(due, new Date('2026-03-29T00:00:00Z'))).toBe(2);
    expect(reminderStage(due, new Date('2026-04-05T00:00:00Z'))).toBe(3);
  });

  it('calls a request overdue only after its due instant and only while it is open', () => {
    const due = new Date('2026-03-31T21:59:59.999Z');
    const after = new Date('2026-03-31T22:00:00.000Z');
    expect(isOverdue(due, 'in_progress', due)).toBe(false);
    expect(isOverdue(due, 'in_progress', after)).toBe(true);
    expect(isOverdue(due, 'awaiting_requester', after)).toBe(true);
    expect(isOverdue(due, 'completed', after)).toBe(false);
    expect(isOverdue(due, 'refused', after)).toBe(false);
    expect(isOverdue(null, 'unverified', after)).toBe(false);
  });
});

describe('the PRC State Council calendar (chinese-days)', () => {
  it('knows the 2025 and 2026 holidays and make-up working days', () => {
    const c = prcStateCouncilCalendar;
    expect(c.covers(2025) && c.covers(2026)).toBe(true);
    expect(c.isWorkingDay('2025-01-26')).toBe(true); // Sunday, make-up day before Spring Festival
    expect(c.isWorkingDay('2025-02-04')).toBe(false); // Tuesday, Spring Festival
    expect(c.isWorkingDay('2025-10-08')).toBe(false); // Wednesday, National Day week
    expect(c.isWorkingDay('2025-10-11')).toBe(true); // Saturday, make-up day
    expect(c.isWorkingDay('2026-02-14')).toBe(true); // Saturday, make-up day
    expect(c.isWorkingDay('2026-02-23')).toBe(false); // Monday, Spring Festival
    expect(c.isWorkingDay('2026-09-20')).toBe(true); // Sunday, make-up day
    expect(c.isWorkingDay('2026-10-07')).toBe(false); // Wednesday, National Day
  });

  it('covers the current year; a year not yet published is counted provisionally and says so', () => {
    const year = new Date().getUTCFullYear();
    expect(prcStateCouncilCalendar.covers(year)).toBe(true);
    const next = year + 1;
    if (prcStateCouncilCalendar.covers(next)) {
      expect(piplCalendar.provisionalFor(next)).toBe(false);
    } else {
      // The notice for next year is out each November: until the package carries it, deadlines say so.
      expect(piplCalendar.provisionalFor(next)).toBe(true);
      const d = requestDeadline({ law: 'pipl', verifiedAt: new Date(`${year}-12-28T02:00:00Z`), controllerTimeZone: 'UTC', now: new Date() }, piplCalendar);
      expect(d?.provisional).toBe(true);
    }
  });
});
