/** Stable error codes of the public API (SPEC section 3). */
export const errorCodes = [
  'bad_request',
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'csrf_invalid',
  'step_up_required',
  'not_found',
  'conflict',
  'unprocessable',
  'payload_too_large',
  'rate_limited',
  'integrity_error',
  'internal_error',
  'subject_restricted',
  'link_used',
  'link_expired',
  /** A capability this build does not carry out yet (e.g. executing a data-subject request before subject-data is wired). */
  'not_available',
  /** A record the law says must be kept (a PIPIA for three years, PIPL Art. 56) cannot be deleted yet. */
  'retention_period',
  /** A retention rule the policy refuses: `details.problems` names each field and its problem code. */
  'retention_rule_invalid',
  /** A second retention rule for the same object and purpose. */
  'retention_rule_exists',
  /** A retention run is already under way (one at a time). */
  'retention_run_busy',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: unknown };
}
