import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { apiReference } from '../helpers/api-reference.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, tokenFor } from '../helpers/test-install.js';

describe.each(testDialects)('HTTP app on %s', (dialect) => {
  let install: TestInstall;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let managerToken: string;
  let readOnlyToken: string;

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    const manager = await addUser(install.kernel, ['sales_manager'], 'Team H');
    managerToken = await tokenFor(install.kernel, manager);
    readOnlyToken = await tokenFor(install.kernel, manager, ['contacts.read']);
  });
  afterAll(async () => {
    await app?.close();
    await install?.cleanup();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token?: string, payload?: unknown) =>
    app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
  const contactCount = async () =>
    Number(
      (
        await install.kernel.db.kysely
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses bad input with a 4xx in the error shape and writes nothing', async () => {
    const before = await contactCount();
    const cases: [unknown, number, string][] = [
      [{ name: 'A', bogus: 1 }, 400, 'validation_failed'],
      [{ name: 42 }, 400, 'validation_failed'],
      [{ name: 'A', email: 'not-an-email' }, 400, 'validation_failed'],
      [{ name: 'A', birthDate: '2999-01-01' }, 400, 'validation_failed'],
      [{ name: 'A', ownerId: 'x' }, 400, 'validation_failed'],
      [{ name: 'A', ownerId: '01a22885-0a4d-7f08-9296-cdbe0f87e732' }, 422, 'unprocessable'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await call('POST', '/api/v1/contacts', managerToken, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      const body = res.json();
      expect(body.error.code).toBe(code);
      expect(body.error.requestId).toBe(res.headers['x-request-id']);
      expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
    }
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: { authorization: `Bearer ${managerToken}`, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('bad_request');
    const huge = await call('POST', '/api/v1/contacts', managerToken, { name: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    expect(await contactCount()).toBe(before);
  });

  it('authenticates by bearer token, enforces token scopes, and answers 404 for unknown ids', async () => {
    expect((await call('GET', '/api/v1/contacts')).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/contacts', 'cst_forged_token_value_abcdefghijklmnopqrstuvwxyz')).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/contacts', readOnlyToken)).statusCode).toBe(200);
    const refused = await call('POST', '/api/v1/contacts', readOnlyToken, { name: 'Scoped Out' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect((await call('GET', '/api/v1/contacts/01a22885-0a4d-7f08-9296-cdbe0f87e732', managerToken)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/nothing-here', managerToken)).json().error.code).toBe('not_found');
    const refusals = await install.kernel.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', 'access.refused').orderBy('seq').execute();
    expect(refusals.map((e) => [e.actor_kind, JSON.parse(String(e.detail)).status])).toEqual([
      ['anonymous', 401],
      ['anonymous', 401],
      ['token', 403],
      ['token', 404],
    ]);
    expect(refusals[3]?.resource_id).toBe('01a22885-0a4d-7f08-9296-cdbe0f87e732');
  });

  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const res = await call('GET', '/api/v1/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/contacts', '/api/v1/contacts/{id}', '/api/v1/accounts', '/healthz']));
    const body = doc.paths['/api/v1/contacts'].post.requestBody.content['application/json'].schema;
    expect(body.properties.email).toBeDefined();
    expect(body.additionalProperties).toBe(false);
  });

  it('declares every route; the inventory is the reviewed attack surface', () => {
    expect(app.routeInventory).toMatchInlineSnapshot(`
      [
        "GET / public",
        "GET /reset-password public",
        "GET /enrol public",
        "GET /assets/* public",
        "GET /healthz public",
        "GET /api/v1/openapi.json public",
        "POST /api/v1/auth/login public",
        "POST /api/v1/auth/mfa public",
        "POST /api/v1/auth/step-up authenticated",
        "POST /api/v1/auth/logout authenticated+restricted",
        "POST /api/v1/auth/password-reset public",
        "POST /api/v1/auth/password-reset/complete public",
        "POST /api/v1/auth/enrol public",
        "GET /api/v1/auth/oidc public",
        "GET /api/v1/auth/oidc/start public",
        "GET /api/v1/auth/oidc/callback public",
        "POST /api/v1/auth/oidc/link authenticated",
        "GET /api/v1/me authenticated+restricted",
        "GET /api/v1/me/sessions authenticated",
        "DELETE /api/v1/me/sessions/:id authenticated",
        "POST /api/v1/me/password authenticated+restricted",
        "POST /api/v1/me/mfa/totp authenticated+restricted",
        "POST /api/v1/me/mfa/totp/confirm authenticated+restricted",
        "POST /api/v1/me/tokens authenticated",
        "GET /api/v1/me/tokens authenticated",
        "DELETE /api/v1/me/tokens/:id authenticated",
        "POST /api/v1/me/mfa/webauthn/options authenticated+restricted",
        "POST /api/v1/me/mfa/webauthn authenticated+restricted",
        "GET /api/v1/me/mfa/webauthn authenticated+restricted",
        "DELETE /api/v1/me/mfa/webauthn/:id authenticated",
        "POST /api/v1/auth/mfa/webauthn/options public",
        "POST /api/v1/auth/mfa/webauthn public",
        "POST /api/v1/auth/step-up/webauthn/options authenticated",
        "POST /api/v1/auth/step-up/webauthn authenticated",
        "GET /api/v1/households households.read",
        "POST /api/v1/households households.create",
        "GET /api/v1/households/:id households.read",
        "PATCH /api/v1/households/:id households.update",
        "DELETE /api/v1/households/:id households.delete",
        "GET /api/v1/contacts contacts.read",
        "POST /api/v1/contacts/search contacts.read",
        "POST /api/v1/contacts contacts.create",
        "GET /api/v1/contacts/export contacts.export",
        "GET /api/v1/contacts/:id contacts.read",
        "PATCH /api/v1/contacts/:id contacts.update",
        "GET /api/v1/reveal-reasons contacts.reveal",
        "POST /api/v1/contacts/:id/reveal contacts.reveal",
        "DELETE /api/v1/contacts/:id contacts.delete",
        "GET /api/v1/accounts accounts.read",
        "POST /api/v1/accounts accounts.create",
        "GET /api/v1/accounts/:id accounts.read",
        "PATCH /api/v1/accounts/:id accounts.update",
        "DELETE /api/v1/accounts/:id accounts.delete",
        "GET /api/v1/agency-links agency_links.read",
        "POST /api/v1/agency-links agency_links.create",
        "GET /api/v1/agency-links/:id agency_links.read",
        "PATCH /api/v1/agency-links/:id agency_links.update",
        "DELETE /api/v1/agency-links/:id agency_links.delete",
        "GET /api/v1/brands brands.read",
        "POST /api/v1/brands brands.create",
        "GET /api/v1/brands/:id brands.read",
        "PATCH /api/v1/brands/:id brands.update",
        "DELETE /api/v1/brands/:id brands.delete",
        "GET /api/v1/channels channels.read",
        "POST /api/v1/channels channels.create",
        "GET /api/v1/channels/:id channels.read",
        "PATCH /api/v1/channels/:id channels.update",
        "DELETE /api/v1/channels/:id channels.delete",
        "GET /api/v1/dayparts dayparts.read",
        "POST /api/v1/dayparts dayparts.create",
        "GET /api/v1/dayparts/:id dayparts.read",
        "PATCH /api/v1/dayparts/:id dayparts.update",
        "DELETE /api/v1/dayparts/:id dayparts.delete",
        "GET /api/v1/breaks breaks.read",
        "POST /api/v1/breaks breaks.create",
        "GET /api/v1/breaks/:id breaks.read",
        "PATCH /api/v1/breaks/:id breaks.update",
        "DELETE /api/v1/breaks/:id breaks.delete",
        "GET /api/v1/rate-cards rate_cards.read",
        "POST /api/v1/rate-cards rate_cards.create",
        "GET /api/v1/rate-cards/:id rate_cards.read",
        "PATCH /api/v1/rate-cards/:id rate_cards.update",
        "DELETE /api/v1/rate-cards/:id rate_cards.delete",
        "GET /api/v1/deal-stages deal_stages.read",
        "POST /api/v1/deal-stages deal_stages.create",
        "GET /api/v1/deal-stages/:id deal_stages.read",
        "PATCH /api/v1/deal-stages/:id deal_stages.update",
        "DELETE /api/v1/deal-stages/:id deal_stages.delete",
        "GET /api/v1/deals deals.read",
        "POST /api/v1/deals deals.create",
        "GET /api/v1/deals/:id deals.read",
        "PATCH /api/v1/deals/:id deals.update",
        "DELETE /api/v1/deals/:id deals.delete",
        "GET /api/v1/bookings bookings.read",
        "POST /api/v1/bookings bookings.create",
        "GET /api/v1/bookings/:id bookings.read",
        "PATCH /api/v1/bookings/:id bookings.update",
        "DELETE /api/v1/bookings/:id bookings.delete",
        "POST /api/v1/bookings/:id/as-run bookings.confirm",
        "POST /api/v1/bookings/:id/make-good bookings.create",
        "GET /api/v1/contracts contracts.read",
        "POST /api/v1/contracts contracts.create",
        "GET /api/v1/contracts/:id contracts.read",
        "PATCH /api/v1/contracts/:id contracts.update",
        "DELETE /api/v1/contracts/:id contracts.delete",
        "POST /api/v1/contracts/:id/submit contracts.update",
        "POST /api/v1/contracts/:id/approve contracts.approve",
        "POST /api/v1/contracts/:id/reject contracts.approve",
        "GET /api/v1/dashboards/pipeline deals.read",
        "GET /api/v1/dashboards/bookings-revenue bookings.read",
        "GET /api/v1/dashboards/airtime-fill bookings.read",
        "GET /api/v1/titles titles.read",
        "POST /api/v1/titles titles.create",
        "GET /api/v1/titles/:id titles.read",
        "PATCH /api/v1/titles/:id titles.update",
        "DELETE /api/v1/titles/:id titles.delete",
        "GET /api/v1/rights rights.read",
        "POST /api/v1/rights rights.create",
        "GET /api/v1/rights/:id rights.read",
        "PATCH /api/v1/rights/:id rights.update",
        "DELETE /api/v1/rights/:id rights.delete",
        "GET /api/v1/licenses licenses.read",
        "POST /api/v1/licenses licenses.create",
        "GET /api/v1/licenses/:id licenses.read",
        "PATCH /api/v1/licenses/:id licenses.update",
        "DELETE /api/v1/licenses/:id licenses.delete",
        "GET /api/v1/license-payments license_payments.read",
        "POST /api/v1/license-payments license_payments.create",
        "GET /api/v1/license-payments/:id license_payments.read",
        "PATCH /api/v1/license-payments/:id license_payments.update",
        "DELETE /api/v1/license-payments/:id license_payments.delete",
        "POST /api/v1/license-payments/:id/paid license_payments.update",
        "GET /api/v1/licenses/:id/payments license_payments.read",
        "GET /api/v1/titles/:id/availability titles.availability",
        "GET /api/v1/dashboards/licensing licenses.read",
        "GET /api/v1/custom-fields authenticated",
        "GET /api/v1/custom-fields/:id authenticated",
        "POST /api/v1/custom-fields custom_fields.manage",
        "PATCH /api/v1/custom-fields/:id custom_fields.manage",
        "DELETE /api/v1/custom-fields/:id custom_fields.manage",
        "GET /api/v1/saved-views authenticated",
        "GET /api/v1/saved-views/:id authenticated",
        "POST /api/v1/saved-views authenticated",
        "PATCH /api/v1/saved-views/:id authenticated",
        "DELETE /api/v1/saved-views/:id authenticated",
        "GET /api/v1/activities activities.read",
        "GET /api/v1/activities/:id activities.read",
        "PATCH /api/v1/activities/:id activities.update",
        "DELETE /api/v1/activities/:id activities.delete",
        "POST /api/v1/activities activities.create",
        "GET /api/v1/timeline/:object/:id activities.read",
        "POST /api/v1/cases cases.create",
        "PATCH /api/v1/cases/:id cases.update",
        "DELETE /api/v1/cases/:id cases.delete",
        "GET /api/v1/cases cases.read",
        "POST /api/v1/cases/escalate-breached cases.escalate",
        "GET /api/v1/cases/:id cases.read",
        "GET /api/v1/dashboards/case-sla cases.read",
        "GET /api/v1/consents consents.read",
        "GET /api/v1/consents/:id consents.read",
        "POST /api/v1/consents consents.create",
        "POST /api/v1/portal/consents public",
        "GET /api/v1/privacy-notices/current privacy_notices.read",
        "GET /api/v1/privacy-notices privacy_notices.read",
        "POST /api/v1/privacy-notices privacy_notices.create",
        "GET /api/v1/privacy-notices/:id privacy_notices.read",
        "GET /api/v1/portal/notices public",
        "GET /api/v1/gpc-conflicts gpc_conflicts.read",
        "GET /api/v1/gpc-conflicts/:id gpc_conflicts.read",
        "POST /api/v1/gpc-conflicts/:id/resolve gpc_conflicts.resolve",
        "POST /api/v1/portal/consent-sessions public",
        "POST /api/v1/portal/consent-sessions/verify public",
        "POST /api/v1/portal/consent-sessions/consents public",
        "POST /api/v1/portal/consent-sessions/decisions public",
        "GET /api/v1/campaigns campaigns.read",
        "POST /api/v1/campaigns campaigns.create",
        "GET /api/v1/campaigns/:id campaigns.read",
        "PATCH /api/v1/campaigns/:id campaigns.update",
        "DELETE /api/v1/campaigns/:id campaigns.delete",
        "GET /api/v1/campaigns/:id/audience campaigns.audience",
        "GET /api/v1/campaigns/:id/audience/count campaigns.audience",
        "POST /api/v1/campaigns/:id/audience/export campaigns.export",
        "GET /api/v1/billing-accounts billing_accounts.read",
        "POST /api/v1/billing-accounts billing_accounts.create",
        "GET /api/v1/billing-accounts/:id billing_accounts.read",
        "PATCH /api/v1/billing-accounts/:id billing_accounts.update",
        "DELETE /api/v1/billing-accounts/:id billing_accounts.delete",
        "GET /api/v1/subscriptions subscriptions.read",
        "POST /api/v1/subscriptions subscriptions.create",
        "GET /api/v1/subscriptions/:id subscriptions.read",
        "PATCH /api/v1/subscriptions/:id subscriptions.update",
        "DELETE /api/v1/subscriptions/:id subscriptions.delete",
        "POST /api/v1/subscriptions/:id/activate subscriptions.lifecycle",
        "POST /api/v1/subscriptions/:id/suspend subscriptions.lifecycle",
        "POST /api/v1/subscriptions/:id/resume subscriptions.lifecycle",
        "POST /api/v1/subscriptions/:id/move subscriptions.lifecycle",
        "POST /api/v1/subscriptions/:id/transfer subscriptions.lifecycle",
        "POST /api/v1/subscriptions/:id/cancel subscriptions.lifecycle",
        "GET /api/v1/subscription-history subscription_history.read",
        "GET /api/v1/subscription-history/:id subscription_history.read",
        "GET /api/v1/subscriptions/:id/history subscription_history.read",
        "GET /api/v1/devices devices.read",
        "POST /api/v1/devices devices.create",
        "GET /api/v1/devices/:id devices.read",
        "PATCH /api/v1/devices/:id devices.update",
        "DELETE /api/v1/devices/:id devices.delete",
        "POST /api/v1/devices/search devices.read",
        "GET /api/v1/dashboards/churn subscriptions.read",
        "GET /api/v1/audit/verify audit.read",
        "GET /api/v1/users users.read",
        "POST /api/v1/users users.manage",
        "POST /api/v1/users/:id/enrolment users.manage",
        "GET /api/v1/users/:id users.read",
        "PATCH /api/v1/users/:id authenticated",
        "POST /api/v1/users/:id/mfa/reset sessions.manage",
        "GET /api/v1/teams users.read",
        "POST /api/v1/teams users.manage",
        "GET /api/v1/roles users.read",
        "PATCH /api/v1/roles/:key roles.assign",
        "GET /api/v1/tokens tokens.manage",
        "DELETE /api/v1/tokens/:id tokens.manage",
        "GET /api/v1/security/lockouts sessions.manage",
        "POST /api/v1/security/lockouts/unlock sessions.manage",
        "GET /api/v1/security/sso-links sessions.manage",
        "POST /api/v1/security/sso-links/:id/approve sessions.manage",
        "POST /api/v1/security/sso-links/:id/refuse sessions.manage",
        "POST /api/v1/access-reviews roles.assign",
        "GET /api/v1/access-reviews/:id roles.assign",
        "GET /api/v1/access-reviews/pending reviews.decide",
        "POST /api/v1/access-reviews/:id/decisions reviews.decide",
        "GET /api/v1/access-reviews/dormant users.read",
        "GET /api/v1/breaches breaches.read",
        "GET /api/v1/breaches/categories breaches.read",
        "POST /api/v1/breaches breaches.manage",
        "GET /api/v1/breaches/:id breaches.read",
        "PATCH /api/v1/breaches/:id breaches.manage",
        "POST /api/v1/breaches/:id/notifications breaches.manage",
        "POST /api/v1/breaches/:id/affected-subjects breaches.personal",
        "GET /api/v1/breaches/:id/affected-subjects breaches.personal",
        "GET /api/v1/breaches/:id/drafts breaches.read",
        "GET /api/v1/processing-records/controller records.read",
        "PUT /api/v1/processing-records/controller records.manage",
        "GET /api/v1/processing-records/activities records.read",
        "GET /api/v1/processing-records/versions records.read",
        "POST /api/v1/processing-records/versions records.manage",
        "GET /api/v1/processing-records/versions/:number records.read",
        "GET /api/v1/processing-records/versions/:number/export records.read",
        "GET /api/v1/pipias records.read",
        "GET /api/v1/pipias/requirements records.read",
        "POST /api/v1/pipias records.manage",
        "GET /api/v1/pipias/:id records.read",
        "PATCH /api/v1/pipias/:id records.manage",
        "POST /api/v1/pipias/:id/revisions records.manage",
        "POST /api/v1/pipias/:id/approve records.manage",
        "DELETE /api/v1/pipias/:id records.manage",
        "GET /api/v1/transfers records.read",
        "POST /api/v1/transfers records.manage",
        "GET /api/v1/transfers/:id records.read",
        "PATCH /api/v1/transfers/:id records.manage",
        "GET /api/v1/retention/objects retention.read",
        "GET /api/v1/retention/rules retention.read",
        "POST /api/v1/retention/rules retention.manage",
        "GET /api/v1/retention/rules/:id retention.read",
        "GET /api/v1/retention/rules/:id/history retention.read",
        "PATCH /api/v1/retention/rules/:id retention.manage",
        "DELETE /api/v1/retention/rules/:id retention.manage",
        "GET /api/v1/retention/runs retention.read",
        "POST /api/v1/retention/runs retention.manage",
        "GET /api/v1/retention/runs/:id retention.read",
        "GET /api/v1/retention/runs/:id/certificate retention.read",
        "POST /api/v1/retention/certificates/verify retention.read",
        "GET /api/v1/backups backups.read",
        "GET /api/v1/backups/targets/:name backups.read",
        "POST /api/v1/backups backups.manage",
        "POST /api/v1/backups/drills backups.manage",
        "GET /api/v1/audit-events audit.read",
        "GET /api/v1/contacts/:id/accesses audit.personal",
        "GET /api/v1/keys keys.manage",
        "POST /api/v1/keys/rotate keys.manage",
        "GET /api/v1/keys/signing keys.manage",
        "POST /api/v1/keys/signing/rotate keys.manage",
        "GET /api/v1/exports/:object authenticated",
        "GET /api/v1/contacts/:id/data-subject subjects.access",
        "GET /api/v1/users/:id/data-subject subjects.access",
        "GET /api/v1/subjects/:subjectId subjects.access",
        "POST /api/v1/subjects/:subjectId/access-package subjects.access",
        "GET /api/v1/access-packages/:token subjects.access",
        "POST /api/v1/portal/access-packages public",
        "POST /api/v1/subjects/:subjectId/erasure subjects.erase",
        "PUT /api/v1/subjects/:subjectId/restriction subjects.restrict",
        "POST /api/v1/subjects/:subjectId/legal-holds subjects.erase",
        "DELETE /api/v1/subjects/:subjectId/legal-holds/:holdId subjects.erase",
        "GET /api/v1/privacy-requests privacy_requests.read",
        "GET /api/v1/privacy-requests/:id privacy_requests.read",
        "POST /api/v1/privacy-requests privacy_requests.create",
        "POST /api/v1/privacy-requests/:id/assign privacy_requests.assign",
        "POST /api/v1/privacy-requests/:id/verify privacy_requests.verify",
        "POST /api/v1/privacy-requests/:id/start privacy_requests.update",
        "POST /api/v1/privacy-requests/:id/pause privacy_requests.update",
        "POST /api/v1/privacy-requests/:id/resume privacy_requests.update",
        "POST /api/v1/privacy-requests/:id/extend privacy_requests.extend",
        "POST /api/v1/privacy-requests/:id/respond privacy_requests.respond",
        "POST /api/v1/privacy-requests/:id/complete privacy_requests.close",
        "POST /api/v1/privacy-requests/:id/refuse privacy_requests.close",
        "POST /api/v1/privacy-requests/:id/send-code privacy_requests.verify",
        "GET /api/v1/privacy-requests/:id/history privacy_requests.read",
        "POST /api/v1/privacy-requests/:id/execute privacy_requests.update",
        "GET /api/v1/dashboards/privacy-requests privacy_requests.read",
        "POST /api/v1/portal/requests public",
        "POST /api/v1/portal/requests/verify public",
        "POST /api/v1/portal/requests/status public",
        "GET /api/v1/compliance/checks compliance.read",
        "GET /api/v1/compliance/report compliance.report",
        "POST /api/v1/imports authenticated",
        "GET /api/v1/imports/:id authenticated",
        "POST /api/v1/imports/:id/resume authenticated",
      ]
    `);
  });

  it.runIf(dialect === 'sqlite')('documents every route in docs/API.md (generated; regenerate with UPDATE_API_DOC=1)', async () => {
    const file = path.resolve(import.meta.dirname, '../../../../docs/API.md');
    const expected = `${apiReference(app.routeInventory, app.swagger() as never)}\n`;
    if (process.env.UPDATE_API_DOC === '1') writeFileSync(file, expected);
    expect(
      existsSync(file) ? readFileSync(file, 'utf8') : '',
      'docs/API.md is stale: UPDATE_API_DOC=1 npx vitest run packages/server/test/medium/http-app.test.ts',
    ).toBe(expected);
  });

  it('refuses to boot when a route declares no access rule', async () => {
    const rogue = await buildApp(install.kernel, { logger: false, extraRoutes: (a) => a.get('/api/v1/rogue', async () => ({ leaked: true })) });
    await expect(rogue.ready()).rejects.toThrow(/without a declared access rule.*\/api\/v1\/rogue/);
    await rogue.close().catch(() => undefined);
  });
});

/** Every TypeScript source file of the server, relative to src/, with its text. */
function serverSources(): { file: string; text: string }[] {
  const root = path.resolve(import.meta.dirname, '../../src');
  const found: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.ts')) found.push({ file: path.relative(root, file), text: readFileSync(file, 'utf8') });
    }
  };
  walk(root);
  return found;
}

describe('the escape hatch', () => {
  it('is called from a known, reviewed set of places', () => {
    const sites = serverSources()
      .filter(({ file }) => !file.endsWith('as-system.ts'))
      .map(({ file, text }) => [file, (text.match(/\basSystem\(/g) ?? []).length] as const)
      .filter(([, count]) => count > 0)
      .map(([file, count]) => `${file}:${count}`);
    expect(sites.sort()).toEqual([
      'cli/cli-context.ts:1',
      // the backup scheduler: takes the due backup, prunes by the keep policy, runs the due drill, keeps each erasure ledger current (all audited)
      'modules/backups/backup.job.ts:1',
      // after a restore, erases again each person the signed erasure ledger names whose key the backup still held (each step audited)
      'modules/backups/replay-erasures.ts:1',
      // records and mails the breach clocks' 50 / 75 / 90 % reminders, each recorded once and audited
      'modules/breaches/breach-escalation.job.ts:1',
      // raises the escalation level of breached service cases over all teams, each rise audited
      'modules/cases/case-escalation.job.ts:1',
      // the public privacy portal: a verified data subject's own consents (the people with their e-mail; each entry audited with the portal as reason)
      'modules/consents/portal-consent-session.service.ts:1',
      // the public privacy portal: the published notices (public texts, no personal field)
      'modules/consents/privacy-notice.routes.ts:1',
      // the public privacy portal: a data subject's own opt-out (withdrawals, sale / share, GPC), each entry audited with the portal as reason
      'modules/consents/record-portal-opt-out.ts:1',
      // the public privacy portal: a data subject's own request (search of their e-mail, the case, its status), each audited
      'modules/privacy-requests/privacy-portal.service.ts:1',
      // marks reminders and overdue requests over all of them, each change audited; never closes one
      'modules/privacy-requests/privacy-request-reminders.job.ts:1',
      // the daily retention run over every enabled rule (each batch audited with counts, the run signed)
      'modules/retention/retention.job.ts:1',
      // finishes at start-up an erasure that a crash left half way (each step audited)
      'modules/subject-data/erase-subject.ts:1',
      // the public privacy portal: a data subject downloads their package once with its single-use token (audited)
      'modules/subject-data/subject-data.routes.ts:1',
      'platform/audit/retention.ts:1',
      // default grants of a new version applied to the stored roles at start, audited
      'platform/authz/default-grants.ts:1',
      // the staff directory's audited system reads of a staff e-mail (mail to them, authenticator labels, password checks)
      'platform/data/staff-directory.ts:1',
      // reads a data subject whole for their access package, naming the request; one personal_data.export event
      'platform/data/subject-rights.ts:1',
      'platform/install/initialise-installation.ts:1',
      'platform/jobs/audit-maintenance.ts:1',
      'platform/jobs/dormant-accounts.ts:1',
      'platform/jobs/rotation-worker.ts:1',
      // finishes at start-up a retention run that a crash left half way (from its last committed batch)
      'platform/retention/retention-runs.ts:1',
    ]);
  });

  it('no route module touches the database: routes make calls into platform/', () => {
    const offenders = serverSources()
      .filter(({ file, text }) => file.startsWith('modules/') && /\bkernel\.db\b|\btx\.trx\b|\bkernel\.transaction\(|\.kysely\b/.test(text))
      .map(({ file }) => file);
    expect(offenders).toEqual([]);
  });

  it('only the kernel imports the database drivers', () => {
    const offenders = serverSources()
      .filter(({ file, text }) => !file.startsWith('platform/') && /from '(kysely|pg|better-sqlite3)'/.test(text))
      .map(({ file }) => file);
    expect(offenders).toEqual([]);
  });
});
