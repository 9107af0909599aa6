import { defaultRevealReasons, revealReasonCodePattern } from '@castellan/shared';
import { z } from 'zod';

/**
 * Settings that bound what staff can learn beyond what they see (CASTELLAN_MASKED_SEARCH_*,
 * CASTELLAN_REVEAL_REASONS), kept apart from config.schema.ts with their vocabulary.
 */

/** Searches by a field the user sees masked, per user and window (fixed UTC minute / UTC day). */
export const maskedSearchLimitSetting = z.coerce.number().int().min(1).max(100_000);

const reasonsMessage =
  'must be a comma-separated list of reason codes (lower-case letters, digits and _, starting with a letter, 2-48 characters), e.g. caller_verification,complaint,other';

/** `code,code,…` (or a JSON array in the config file): 1–50 distinct reason codes. */
export const revealReasonsSetting = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((code) => code.trim()) : value),
  z
    .array(z.string().regex(revealReasonCodePattern, reasonsMessage), { error: reasonsMessage })
    .min(1, reasonsMessage)
    .max(50, 'at most 50 reason codes')
    .refine((codes) => new Set(codes).size === codes.length, 'lists a reason code twice')
    .transform((codes) => codes as [string, ...string[]]),
);

export const defaultRevealReasonList: [string, ...string[]] = [...defaultRevealReasons];

/** An IANA time zone the runtime knows (the controller's zone: GDPR and CCPA request days are counted there). */
export const timeZoneSetting = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Shanghai, Europe/Berlin or America/Los_Angeles');
