import { revealNoteMaxLength, revealReasonNeedingNote } from '@castellan/shared';
import { AppError } from '../errors.js';

export interface RevealReason {
  /** One of the installation's reason codes (CASTELLAN_REVEAL_REASONS). */
  code: string;
  /** Free text typed by staff: sealed under the audit key, never stored in the clear. */
  note?: string;
}

const invalid = (message: string) => new AppError('validation_failed', 400, message);

/** Checks a reveal reason against the installation's codes; returns it with the note trimmed (or absent). */
export function checkRevealReason(allowed: readonly string[], reason: RevealReason): RevealReason {
  if (!allowed.includes(reason.code)) throw invalid(`reason must be one of: ${allowed.join(', ')}`);
  const note = reason.note?.trim() || undefined;
  if (note !== undefined && note.length > revealNoteMaxLength) throw invalid(`the note is at most ${revealNoteMaxLength} characters`);
  if (reason.code === revealReasonNeedingNote && note === undefined) throw invalid(`the reason "${revealReasonNeedingNote}" needs a note`);
  return note === undefined ? { code: reason.code } : { code: reason.code, note };
}
