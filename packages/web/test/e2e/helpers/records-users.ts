/**
 * Signed-in browser profiles of the users a record-screens test adds (each enrols TOTP on first
 * use; its secret is kept for later sign-ins and step-ups), and JSON calls with their session.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { E2E_USER_PASSWORD } from '../../../../server/test/helpers/server-process.js';
import { type AppContext, type Lang, newAppContext, signInByApi } from './browser.js';

export interface RecordUsers {
  secrets: Map<string, string>;
  signedIn(email: string, lang: Lang): Promise<AppContext>;
  apiCall(
    context: BrowserContext,
    method: 'POST' | 'GET',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; json: { id?: string; items?: { name?: string }[]; [key: string]: unknown } }>;
}

export function recordUsers(browser: () => Browser, baseUrl: () => string): RecordUsers {
  const secrets = new Map<string, string>();
  return {
    secrets,
    async signedIn(email, lang) {
      const app = await newAppContext(browser(), lang);
      const { totpSecret } = await signInByApi(app.context, baseUrl(), email, E2E_USER_PASSWORD, secrets.get(email));
      secrets.set(email, totpSecret);
      return app;
    },
    async apiCall(context, method, url, body) {
      const csrf = (await context.cookies()).find((c) => c.name === 'csrf_token')?.value ?? '';
      const send = () =>
        context.request.fetch(`${baseUrl()}${url}`, {
          method,
          data: body,
          headers: { accept: 'application/json', 'x-csrf-token': csrf },
        });
      // A kept-alive connection the server has just closed resets once; the request never arrived.
      const response = await send().catch((error: Error) => {
        if (/ECONNRESET|socket hang up/.test(error.message)) return send();
        throw error;
      });
      const text = await response.text();
      return { status: response.status(), json: text ? JSON.parse(text) : {} };
    },
  };
}
