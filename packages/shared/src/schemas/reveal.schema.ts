import { z } from 'zod';

/**
 * Reveal-with-reason: the reason is a CODE from the installation's list (CASTELLAN_REVEAL_REASONS),
 * never free text; an optional note is free text typed by staff, so it is personal data: the server
 * seals it under the audit key and shows it to audit and privacy roles only.
 */
export const revealReasonCodePattern = /^[a-z][a-z0-9_]{1,47}$/;

/** The list an installation starts with (CASTELLAN_REVEAL_REASONS overrides it). */
export const defaultRevealReasons = ['caller_verification', 'complaint', 'legal_request', 'data_subject_request', 'fraud_investigation', 'other'] as const;

/** The reason code that needs a note saying what the reason was. */
export const revealReasonNeedingNote = 'other';

export const revealNoteMaxLength = 500;

export const revealableContactFields = ['name', 'email', 'phone', 'idNumber', 'birthDate', 'address', 'wechatId', 'jobTitle'] as const;

/** The reveal body for an installation's reason codes. */
export function contactRevealBody(reasons: readonly [string, ...string[]]) {
  return z
    .object({
      fields: z
        .array(z.union([z.enum(revealableContactFields), z.string().regex(/^custom\.[a-zA-Z0-9_]{1,40}$/, 'a personal field or custom.<key>')]))
        .min(1)
        .max(16)
        .describe('personal fields, and personal or sensitive custom fields as custom.<key>'),
      reason: z
        .enum(reasons as [string, ...string[]])
        .describe('Why the values are needed: one of the reason codes of this installation (CASTELLAN_REVEAL_REASONS)'),
      note: z
        .string()
        .trim()
        .min(1)
        .max(revealNoteMaxLength)
        .optional()
        .describe('Optional free text (needed for "other"); sealed under the audit key, shown to audit and privacy roles only'),
    })
    .strict()
    .refine((body) => body.reason !== revealReasonNeedingNote || body.note !== undefined, {
      message: `the reason "${revealReasonNeedingNote}" needs a note`,
      path: ['note'],
    });
}
