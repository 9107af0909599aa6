/**
 * Minors (PIPL Art. 28: all personal information of a person under 14 is sensitive; Art. 31: it needs
 * a guardian's consent). Pure.
 *
 * Age is counted in completed years on the Gregorian calendar; a person is taken to have reached 14
 * only on the day AFTER their 14th birthday, as PRC courts count 周岁 (最高人民法院《关于审理未成年人
 * 刑事案件具体应用法律若干问题的解释》第二条) — the cautious reading: on the birthday itself the person is
 * still treated as a minor. A 29 February birthday falls on 1 March in a common year.
 */
export const minorAgeLimit = 14;

/** The 14th birthday of someone born on `birthDate` (YYYY-MM-DD). */
export function fourteenthBirthday(birthDate: string): string {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const year = y + minorAgeLimit;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const [month, day] = m === 2 && d === 29 && !leap ? [3, 1] : [m, d];
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Under 14 on `today` (YYYY-MM-DD): true up to and including the 14th birthday. No birth date: not flagged. */
export function isUnder14(birthDate: string | null | undefined, today: string): boolean {
  if (!birthDate) return false;
  return today <= fourteenthBirthday(birthDate);
}

export interface GuardianFacts {
  contactId: string;
  isMinor: boolean;
  guardianId: string | null;
  /** The guardian's own minor flag, when a guardian is named. */
  guardianIsMinor?: boolean;
}

/** Why a contact cannot be saved as it is (422), or null. */
export function guardianRefusal(facts: GuardianFacts): string | null {
  if (facts.guardianId !== null && facts.guardianId === facts.contactId) return 'a contact cannot be their own guardian';
  if (facts.isMinor && facts.guardianId === null) return `the person is under ${minorAgeLimit} (PIPL Art. 28/31): name a guardian contact (guardianId)`;
  if (facts.guardianId !== null && facts.guardianIsMinor === true) return `the guardian must not be under ${minorAgeLimit} themselves`;
  return null;
}
