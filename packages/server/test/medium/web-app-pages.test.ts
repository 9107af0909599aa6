import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { issueEnrolment } from '../../src/platform/identity/enrolment-links.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * The addresses Castellan's own links lead to — `/` (where single sign-on returns), the enrolment
 * link `/enrol#token=…` and the password-reset link `/reset-password#token=…` — and every other
 * browser navigation outside /api/ answer the web app's shell with a fresh CSP nonce; the API keeps
 * answering JSON, 404 included.
 */
describe('web app pages', () => {
  let install: TestInstall;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    install = await createTestInstall('sqlite');
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await install?.cleanup();
  });

  const html = { accept: 'text/html,application/xhtml+xml' };

  it.each(['/', '/enrol', '/reset-password', '/contacts/0193a000-0000-7000-8000-000000000000', '/admin/audit'])(
    '%s answers the app with its own nonce',
    async (url) => {
      const res = await app.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(String(res.headers['content-security-policy']))?.[1];
      expect(nonce).toBeTruthy();
      expect(res.body).toContain(`nonce="${nonce}"`);
      expect(res.body).not.toContain('__CSP_NONCE__');
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  it('keeps the API answering JSON: an unknown API address is a 404 error body, also for a browser', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/no-such-thing', headers: html });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    const post = await app.inject({ method: 'POST', url: '/contacts', headers: html });
    expect(post.statusCode).toBe(404);
  });

  it('is where the enrolment link of a new account and the password-reset link point', async () => {
    const { id } = await install.kernel.db.kysely.selectFrom('users').select('id').executeTakeFirstOrThrow();
    const invitation = await install.kernel.transaction((tx) => issueEnrolment(install.kernel, tx, asSystem('test'), noRequest, id, 'operator'));
    const link = new URL(invitation.link);
    expect(link.hash).toMatch(/^#token=/);
    expect(link.pathname).toBe('/enrol');
    expect((await app.inject({ method: 'GET', url: link.pathname, headers: html })).statusCode).toBe(200);
    const reset = new URL(`${install.kernel.config.publicUrl}/reset-password#token=abc`);
    expect((await app.inject({ method: 'GET', url: reset.pathname, headers: html })).statusCode).toBe(200);
  });
});
