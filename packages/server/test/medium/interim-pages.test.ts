import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * The addresses Castellan sends people to before the web app exists — the SSO landing point `/`
 * (#mfa-challenge=…, #sso-link-required) and the password-reset link `/reset-password#token=…` —
 * are real pages that say, in Chinese and English, how to finish the step, and every API route
 * they name exists. No script: the fragment never leaves the browser.
 */
describe('interim pages', () => {
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

  /** `METHOD /api/v1/…` mentions in a page, each of which must be a registered route. */
  const namedRoutes = (html: string): string[] => [...html.matchAll(/(GET|POST) (\/api\/v1\/[a-z0-9/-]+)/g)].map((m) => `${m[1]} ${m[2]}`);

  it.each([
    ['/', ['#mfa-challenge=', '#sso-link-required', 'POST /api/v1/auth/mfa', 'POST /api/v1/auth/oidc/link', 'GET /api/v1/security/sso-links']],
    ['/reset-password', ['#token=', 'POST /api/v1/auth/password-reset/complete']],
    ['/enrol', ['#token=', 'POST /api/v1/auth/enrol', 'POST /api/v1/me/mfa/totp']],
  ])('%s explains the step in both languages and names only routes that exist', async (url, mentions) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    for (const text of mentions) expect(res.body).toContain(text);
    expect(res.body).toMatch(/[\u4e00-\u9fff]/); // Chinese
    expect(res.body).toMatch(/lang="en"/);
    expect(res.body).not.toMatch(/<script/i);
    const routes = new Set(app.routeInventory.map((line) => line.split(' ').slice(0, 2).join(' ')));
    const named = namedRoutes(res.body);
    expect(named.length).toBeGreaterThan(0);
    for (const route of named) expect(routes.has(route), `${url} names ${route}`).toBe(true);
  });

  it('is where the enrolment link of a new account points', async () => {
    const { issueEnrolment } = await import('../../src/platform/identity/enrolment-links.js');
    const { asSystem } = await import('../../src/platform/data/as-system.js');
    const { noRequest } = await import('../../src/platform/audit/audit-event.js');
    const { id } = await install.kernel.db.kysely.selectFrom('users').select('id').executeTakeFirstOrThrow();
    const invitation = await install.kernel.transaction((tx) => issueEnrolment(install.kernel, tx, asSystem('test'), noRequest, id, 'operator'));
    const link = new URL(invitation.link);
    expect(link.hash).toMatch(/^#token=/);
    expect((await app.inject({ method: 'GET', url: link.pathname })).statusCode).toBe(200);
  });

  it('is where the password-reset e-mail link points', async () => {
    const { publicUrl } = install.kernel.config;
    const link = new URL(`${publicUrl}/reset-password#token=abc`);
    expect((await app.inject({ method: 'GET', url: link.pathname })).statusCode).toBe(200);
  });
});
