import { describe, expect, it } from 'vitest';
import { fourteenthBirthday, guardianRefusal, isUnder14 } from '../../src/modules/contacts/minor.policy.js';

describe('under 14 (PIPL Arts. 28, 31), counted as PRC courts count 周岁', () => {
  it.each([
    ['2012-06-15', '2026-06-14', true, 'the day before the 14th birthday'],
    ['2012-06-15', '2026-06-15', true, 'on the 14th birthday itself (14 only from the day after)'],
    ['2012-06-15', '2026-06-16', false, 'the day after the 14th birthday'],
    ['2012-02-29', '2026-02-28', true, 'born on 29 February: the birthday falls on 1 March in a common year'],
    ['2012-02-29', '2026-03-01', true, '… and on that day the person is still under 14'],
    ['2012-02-29', '2026-03-02', false, '… and 14 after it'],
    ['2014-02-28', '2028-02-28', true, 'a leap target year keeps 28 February'],
    ['2014-02-28', '2028-02-29', false, '…'],
    ['1985-04-02', '2026-12-01', false, 'an adult'],
    ['2026-12-01', '2026-12-01', true, 'born today'],
    [null, '2026-12-01', false, 'no birth date: not flagged'],
  ])('born %s, on %s: under 14 = %s (%s)', (birthDate, today, expected) => {
    expect(isUnder14(birthDate, today)).toBe(expected);
  });

  it('the 14th birthday', () => {
    expect(fourteenthBirthday('2012-02-29')).toBe('2026-03-01');
    expect(fourteenthBirthday('2000-02-29')).toBe('2014-03-01');
    expect(fourteenthBirthday('1988-02-29')).toBe('2002-03-01');
    expect(fourteenthBirthday('2010-12-31')).toBe('2024-12-31');
  });
});

describe('a minor names an adult guardian', () => {
  it.each([
    [{ contactId: 'c', isMinor: true, guardianId: null }, 'the person is under 14 (PIPL Art. 28/31): name a guardian contact (guardianId)'],
    [{ contactId: 'c', isMinor: true, guardianId: 'g', guardianIsMinor: false }, null],
    [{ contactId: 'c', isMinor: true, guardianId: 'g', guardianIsMinor: true }, 'the guardian must not be under 14 themselves'],
    [{ contactId: 'c', isMinor: false, guardianId: null }, null],
    [{ contactId: 'c', isMinor: false, guardianId: 'g', guardianIsMinor: false }, null],
    [{ contactId: 'c', isMinor: false, guardianId: 'c', guardianIsMinor: false }, 'a contact cannot be their own guardian'],
  ])('%j → %s', (facts, refusal) => {
    expect(guardianRefusal(facts)).toBe(refusal);
  });
});
