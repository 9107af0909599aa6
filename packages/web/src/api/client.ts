import createClient from 'openapi-fetch';
import { ApiError, NetworkError } from './api-error';
import { reportConnection } from './connection';
import { settleInterrupt } from './interrupts';
import type { paths } from './schema';

/** The value of the csrf_token cookie the server sets with the session (SPEC section 3). */
export const csrfToken = (): string | undefined => /(?:^|;\s*)csrf_token=([^;]+)/.exec(document.cookie)?.[1];

/**
 * The typed client of the API, generated from /api/v1/openapi.json (src/api/schema.d.ts; a test
 * fails when it no longer matches the server). Same origin, the session cookie, X-CSRF-Token on
 * every write.
 */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

api.use({
  onRequest({ request }) {
    request.headers.set('accept', 'application/json');
    const csrf = csrfToken();
    if (request.method !== 'GET' && csrf) request.headers.set('x-csrf-token', csrf);
    return request;
  },
});

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export interface CallOptions {
  /** Settle step-up and session-expiry answers by asking the person, then repeat once (default true). */
  interrupts?: boolean;
}

/** Turns an error body into an ApiError (a body that is not the API's shape still gets its status). */
export function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown } } | undefined)?.error;
  return new ApiError(
    status,
    typeof error?.code === 'string' ? error.code : status >= 500 ? 'internal_error' : 'bad_request',
    typeof error?.message === 'string' ? error.message : `HTTP ${status}`,
    typeof error?.requestId === 'string' ? error.requestId : undefined,
    error?.details,
  );
}

/**
 * Runs one API request and answers its data, or throws ApiError / NetworkError. A step-up or an
 * expired session is settled by asking the person (see interrupts.ts) and the request repeated once.
 */
export async function call<T>(run: () => Promise<FetchResult<T>>, options: CallOptions = {}): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    let result: FetchResult<T>;
    try {
      result = await run();
    } catch (cause) {
      reportConnection(false);
      throw new NetworkError(cause);
    }
    reportConnection(true);
    if (result.response.ok) return result.data as T;
    const error = toApiError(result.response.status, result.error);
    if (attempt === 0 && options.interrupts !== false && (await settleInterrupt(error))) continue;
    throw error;
  }
}

export interface RawRequest {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * An untyped request for screens that work over many objects alike (the catalogue-driven lists
 * and forms): same cookie, CSRF and error handling as the typed client.
 */
export function request<T = unknown>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  init: RawRequest = {},
  options?: CallOptions,
): Promise<T> {
  return call<T>(async () => {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(init.query ?? {}))
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    const csrf = csrfToken();
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    const isBinary = init.body instanceof Blob || init.body instanceof ArrayBuffer;
    if (init.body !== undefined && !isBinary) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers,
      body: init.body === undefined ? undefined : isBinary ? (init.body as BodyInit) : JSON.stringify(init.body),
    });
    const text = response.status === 204 ? '' : await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return response.ok ? { data: json as T, response } : { error: json, response };
  }, options);
}

/** A fresh key for a create: the server makes one record however often the same key is sent. */
export const newIdempotencyKey = (): string => crypto.randomUUID();
