import type { FastifyInstance } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../src/http/session-cookies.js';

/** A cookie jar for one browser-like client. */
export class Client {
  cookies = new Map<string, string>();
  /** The client's address for the next calls (per-address limits key on it); light-my-request's default when unset. */
  remoteAddress?: string;
  constructor(private readonly app: FastifyInstance) {}

  /** The session token (the `__Host-castellan_session` cookie). */
  get sessionToken(): string | undefined {
    return this.cookies.get(SESSION_COOKIE);
  }

  async call(
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
    remoteAddress = this.remoteAddress,
  ) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = this.cookies.get(CSRF_COOKIE);
    const res = await this.app.inject({
      method,
      url,
      headers: { ...(cookie ? { cookie } : {}), ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
      ...(remoteAddress ? { remoteAddress } : {}),
    });
    for (const c of res.cookies) {
      if (c.value === '' || (c.maxAge !== undefined && c.maxAge <= 0) || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }
}
