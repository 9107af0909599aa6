import type { ErrorCode } from '@castellan/shared';

/** An error whose code and message may be shown to the caller. Messages never hold personal values. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'record') => new AppError('not_found', 404, `${what} not found`);
export const forbidden = (message: string) => new AppError('forbidden', 403, message);
export const unprocessable = (message: string, details?: unknown) => new AppError('unprocessable', 422, message, details);
export const conflict = (message: string) => new AppError('conflict', 409, message);
export const unauthenticated = (message = 'authentication required') => new AppError('unauthenticated', 401, message);
