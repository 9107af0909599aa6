import { type HttpsResponse, httpsJson } from './server-process.js';

/**
 * A browser-like client of the real server over HTTPS: keeps the cookies it is given and echoes the
 * `csrf_token` cookie in `X-CSRF-Token` on writes, as the web app does.
 */
export class HttpsSession {
  readonly cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<HttpsResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = this.cookies.get('csrf_token');
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const response = await httpsJson<T>(method, `${this.baseUrl}${path}`, { headers, body });
    const set = response.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}
