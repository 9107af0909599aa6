/** An error answer of the API (SPEC section 3: `{ error: { code, message, requestId, details } }`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field problems of a validation_failed answer, keyed by the field's name (`/body/email` → `email`). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) return out;
    for (const item of this.details as { path?: unknown; field?: unknown; message?: unknown }[]) {
      const raw = typeof item.field === 'string' ? item.field : typeof item.path === 'string' ? item.path : '';
      const name = raw.replace(/^\/?(body\/)?/, '').split('/')[0] ?? '';
      if (name && typeof item.message === 'string' && !out[name]) out[name] = item.message;
    }
    return out;
  }
}

/** The server could not be reached (no connection, TLS failure, the server down). Reads retry; writes never do by themselves. */
export class NetworkError extends Error {
  constructor(readonly cause?: unknown) {
    super('network unreachable');
    this.name = 'NetworkError';
  }
}

export const isApiError = (error: unknown, code?: string): error is ApiError => error instanceof ApiError && (code === undefined || error.code === code);
