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
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: unknown };
}
