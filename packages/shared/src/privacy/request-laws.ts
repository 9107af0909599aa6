/** The laws whose data-subject request deadlines Castellan counts. */
export const privacyLaws = ['gdpr', 'ccpa', 'pipl'] as const;
export type PrivacyLaw = (typeof privacyLaws)[number];

/** PIPL days are counted in China; GDPR and CCPA days in the controller's configured time zone. */
export function lawTimeZone(law: PrivacyLaw, controllerTimeZone: string): string {
  return law === 'pipl' ? 'Asia/Shanghai' : controllerTimeZone;
}

/**
 * Whether the law lets the controller extend the deadline once, with a reason given to the person:
 * GDPR Art. 12(3) by two further months, CCPA (Cal. Civ. Code §1798.130(a)(2)) by 45 more days.
 * PIPL names no extension.
 */
export function extensionAllowed(law: PrivacyLaw): boolean {
  return law !== 'pipl';
}
