import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userEmail } from '../../src/platform/identity/user-directory.js';
import type { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { ADMIN_PASSWORD, addUser, type TestInstall, type TestUser, tokenFor } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep, type TotpSessions } from '../helpers/totp-sessions.js';

/**
 * Finding 6: staff personal data had its own door, with no field rules, masks or read events. Staff
 * e-mail and names now follow the `users` field rules of the role matrix (one's own always readable).
 */
describe.each(testDialects)('the staff directory follows field rules and audits its reads on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let admin: Client;
  let adminId: string;
  let sessions: TotpSessions;
  let auditor: TestUser;
  let manager: TestUser;
  const db = () => install.kernel.db.kysely;
  const bearer = (token: string, url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const stepUp = async () => {
    nextTotpStep();
    expect((await admin.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get('admin@example.com') ?? '') })).statusCode).toBe(200);
  };
  const eventsOf = (requestId: string) => db().selectFrom('audit_events').selectAll().where('request_id', '=', requestId).execute();

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
    admin = await sessions.fullSession('admin@example.com', ADMIN_PASSWORD);
    adminId = (await admin.call('GET', '/api/v1/me')).json().id;
    auditor = await addUser(install.kernel, ['audit_admin'], undefined, 'auditor@example.com');
    manager = await addUser(install.kernel, ['sales_manager'], 'Directory', 'manager@example.com');
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
  });

  it('masks staff e-mail and names for the audit administrator (but not their own), and names the fields in the read event', async () => {
    await stepUp();
    expect((await admin.call('PATCH', '/api/v1/roles/audit_admin', { permissions: ['audit.read', 'users.read'] })).statusCode).toBe(200);
    const res = await bearer(await tokenFor(install.kernel, auditor), '/api/v1/users?limit=100');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { id: string; email?: string; name?: string; maskedFields: string[] }[];
    expect(items.find((u) => u.id === adminId)).toMatchObject({ email: 'a***@example.com', name: 'A************', maskedFields: ['email', 'name'] });
    expect(items.find((u) => u.id === auditor.id)).toMatchObject({ email: 'auditor@example.com', maskedFields: [] });
    expect(res.body).not.toContain('admin@example.com');
    const read = (await eventsOf(String(res.headers['x-request-id']))).find((e) => e.action === 'personal_data.read');
    expect(read).toMatchObject({ resource: 'users', outcome: 'success' });
    expect(JSON.parse(String(read?.fields))).toEqual(['email', 'name']);
  });

  it("hides them from a role without field rules for staff, decrypts nothing and writes no read event; one's own profile stays readable", async () => {
    await stepUp();
    const permissions = (await admin.call('GET', '/api/v1/roles')).json().items.find((r: { key: string }) => r.key === 'sales_manager').permissions;
    expect((await admin.call('PATCH', '/api/v1/roles/sales_manager', { permissions: [...permissions, 'users.read'] })).statusCode).toBe(200);
    const token = await tokenFor(install.kernel, manager);
    const other = await bearer(token, `/api/v1/users/${adminId}`);
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json()).not.toHaveProperty('email');
    expect(other.json()).not.toHaveProperty('name');
    expect((await eventsOf(String(other.headers['x-request-id']))).map((e) => e.action)).not.toContain('personal_data.read');
    const self = await bearer(token, `/api/v1/users/${manager.id}`);
    expect(self.json()).toMatchObject({ email: 'manager@example.com' });
    const me = await bearer(token, '/api/v1/me');
    expect(me.json()).toMatchObject({ email: 'manager@example.com' });
    const event = (await eventsOf(String(me.headers['x-request-id']))).find((e) => e.action === 'personal_data.read');
    expect(JSON.parse(String(event?.detail))).toMatchObject({ self: true });
  });

  it('takes field rules for staff in role edits', async () => {
    await stepUp();
    const edited = await admin.call('PATCH', '/api/v1/roles/audit_admin', { fields: { users: { email: 'readable', name: 'masked' } } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().fields.users).toEqual({ email: 'readable', name: 'masked' });
    const res = await bearer(await tokenFor(install.kernel, auditor), `/api/v1/users/${adminId}`);
    expect(res.json()).toMatchObject({ email: 'admin@example.com', maskedFields: ['name'] });
  });

  it('reads an e-mail for mail and sign-in labels as an audited system use', async () => {
    expect(await userEmail(install.kernel, manager.id)).toBe('manager@example.com');
    const event = await db().selectFrom('audit_events').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
    const subject = await db().selectFrom('users').select('subject_id').where('id', '=', manager.id).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ action: 'personal_data.read', actor_kind: 'system', resource: 'users', resource_id: manager.id });
    expect(JSON.parse(String(event.fields))).toEqual(['email']);
    expect(JSON.parse(String(event.subject_ids))).toEqual([subject.subject_id]);
    expect(JSON.parse(String(event.detail)).systemReason).toMatch(/^staff e-mail for /);
  });
});
