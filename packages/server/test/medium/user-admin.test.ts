import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { disableDormantUsers } from '../../src/platform/identity/access-reviews.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { ADMIN_PASSWORD, addUser, createTestInstall, type TestInstall, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { TotpSessions } from '../helpers/totp-sessions.js';

type App = Awaited<ReturnType<typeof buildApp>>;

describe.each(testDialects)('user administration, access reviews and lockouts on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let admin: Client;
  let adminId: string;
  const nextStep = () => vi.setSystemTime(new Date(Date.now() + 61_000));

  let sessions: TotpSessions;
  const fullSession = (email: string, password: string) => sessions.fullSession(email, password);

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    sessions = new TotpSessions(app);
    admin = await fullSession('admin@example.com', ADMIN_PASSWORD);
    adminId = (await admin.call('GET', '/api/v1/me')).json().id;
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  it('creates an account without roles with a one-time password, and grants roles after a step-up, never to oneself', async () => {
    const created = await admin.call('POST', '/api/v1/users', { email: 'li.na@example.com', name: '李娜', team: 'North' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().oneTimePassword).toMatch(/^\S{12,}$/);
    expect(created.json().user).toMatchObject({ email: 'li.na@example.com', name: '李娜', roles: [], status: 'active' });
    const login = await new Client(app).call('POST', '/api/v1/auth/login', { email: 'li.na@example.com', password: created.json().oneTimePassword });
    expect(login.json()).toMatchObject({ sessionKind: 'restricted', passwordChangeRequired: true });

    const self = await admin.call('PATCH', `/api/v1/users/${adminId}`, { roles: ['system_admin', 'security_admin', 'privacy_officer'] });
    expect(self.statusCode).toBe(403);
    const sessionId = (await admin.call('GET', '/api/v1/me')).json().session.id;
    await install.kernel.db.kysely
      .updateTable('sessions')
      .set({ mfa_at: new Date(Date.now() - 10 * 60_000).toISOString() })
      .where('id', '=', sessionId)
      .execute();
    const stale = await admin.call('PATCH', `/api/v1/users/${created.json().user.id}`, { roles: ['sales_manager'] });
    expect(stale.json().error.code).toBe('step_up_required');
    nextStep();
    expect((await admin.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get('admin@example.com') ?? '') })).statusCode).toBe(200);
    const granted = await admin.call('PATCH', `/api/v1/users/${created.json().user.id}`, { roles: ['sales_manager'] });
    expect(granted.json().roles).toEqual(['sales_manager']);
    // The one-time password the administrator saw does not survive a grant that reads personal data.
    expect(granted.json().enrolment).toEqual({ mailed: false, expiresAt: null });
    const after = await new Client(app).call('POST', '/api/v1/auth/login', { email: 'li.na@example.com', password: created.json().oneTimePassword });
    expect(after.statusCode).toBe(401);
    // Without SMTP the link cannot be e-mailed: the operator prints one (castellan user invite).
    const resend = await admin.call('POST', `/api/v1/users/${created.json().user.id}/enrolment`);
    expect(resend.statusCode).toBe(409);
    expect(resend.json().error.message).toContain('castellan user invite');
  });

  it('refuses non-administrators, and a user editing their own roles or team', async () => {
    const rep = await addUser(install.kernel, ['sales_rep'], 'South');
    const token = await tokenFor(install.kernel, rep);
    const asRep = (method: 'GET' | 'PATCH', url: string, payload?: object) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    expect((await asRep('GET', '/api/v1/users')).statusCode).toBe(403);
    expect((await asRep('PATCH', `/api/v1/users/${rep.id}`, { roles: ['sales_manager'] })).statusCode).toBe(403);
    expect((await asRep('PATCH', `/api/v1/users/${rep.id}`, { team: 'North' })).statusCode).toBe(403);
    const row = await install.kernel.db.kysely.selectFrom('user_roles').select('role_key').where('user_id', '=', rep.id).execute();
    expect(row.map((r) => r.role_key)).toEqual(['sales_rep']);
  });

  it('ends every session and token of a disabled account, and of one whose roles change', async () => {
    const manager = await addUser(install.kernel, ['sales_manager'], 'East');
    const token = await tokenFor(install.kernel, manager);
    const session = await fullSession(manager.email, USER_PASSWORD);
    expect((await session.call('GET', '/api/v1/contacts')).statusCode).toBe(200);
    expect((await admin.call('PATCH', `/api/v1/users/${manager.id}`, { status: 'disabled' })).json().status).toBe('disabled');
    expect((await session.call('GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: manager.email, password: USER_PASSWORD } })).statusCode).toBe(401);

    await admin.call('PATCH', `/api/v1/users/${manager.id}`, { status: 'active' });
    const again = await fullSession(manager.email, USER_PASSWORD);
    nextStep();
    await admin.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get('admin@example.com') ?? '') });
    expect((await admin.call('PATCH', `/api/v1/users/${manager.id}`, { roles: ['sales_rep'] })).statusCode).toBe(200);
    expect((await again.call('GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('lists staff to administrators with decrypted names, and audits it', async () => {
    const list = await admin.call('GET', '/api/v1/users?limit=100');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((u: { email: string }) => u.email)).toContain('admin@example.com');
    const event = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('resource', '=', 'users')
      .where('action', '=', 'personal_data.read')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(event.actor_id).toBe(adminId);
    expect(event.detail).not.toContain('admin@example.com');
    expect((await admin.call('GET', '/api/v1/roles')).json().items).toHaveLength(10); // the nine of SPEC section 1 and the auditor
  });

  it('runs an access review: the manager revokes a role, which ends the user sessions; decisions are final', async () => {
    const boss = await addUser(install.kernel, ['sales_manager'], 'West');
    const worker = await addUser(install.kernel, ['sales_rep'], 'West');
    await admin.call('PATCH', `/api/v1/users/${worker.id}`, { managerId: boss.id });
    const workerSession = await fullSession(worker.email, USER_PASSWORD);
    const review = await admin.call('POST', '/api/v1/access-reviews', { dueDays: 7 });
    expect(review.statusCode, review.body).toBe(201);
    const bossSession = await fullSession(boss.email, USER_PASSWORD);
    const pending = (await bossSession.call('GET', '/api/v1/access-reviews/pending')).json().items;
    expect(pending).toEqual([expect.objectContaining({ userId: worker.id, roles: ['sales_rep'] })]);
    const notMine = await bossSession.call('POST', `/api/v1/access-reviews/${review.json().id}/decisions`, { userId: adminId, decision: 'revoke' });
    expect(notMine.statusCode).toBe(404);
    const revoked = await bossSession.call('POST', `/api/v1/access-reviews/${review.json().id}/decisions`, { userId: worker.id, decision: 'revoke' });
    expect(revoked.statusCode).toBe(200);
    expect((await workerSession.call('GET', '/api/v1/me')).statusCode).toBe(401);
    expect(await install.kernel.db.kysely.selectFrom('user_roles').selectAll().where('user_id', '=', worker.id).execute()).toEqual([]);
    expect(
      (await bossSession.call('POST', `/api/v1/access-reviews/${review.json().id}/decisions`, { userId: worker.id, decision: 'confirm' })).statusCode,
    ).toBe(409);
    expect((await admin.call('GET', `/api/v1/access-reviews/${review.json().id}`)).json()).toMatchObject({ revoked: 1 });
  });

  it('reports dormant accounts and the job disables them', async () => {
    const sleeper = await addUser(install.kernel, ['marketing'], 'Promo');
    await install.kernel.db.kysely
      .updateTable('users')
      .set({ last_login_at: new Date(Date.now() - 100 * 86_400_000).toISOString() })
      .where('id', '=', sleeper.id)
      .execute();
    const report = (await admin.call('GET', '/api/v1/access-reviews/dormant?days=90')).json().items.map((d: { userId: string }) => d.userId);
    expect(report).toContain(sleeper.id);
    expect(report).not.toContain(adminId);
    // A pending enrolment link and a token must not outlive the account's disabling either.
    const { issueEnrolment } = await import('../../src/platform/identity/enrolment-links.js');
    const link = await install.kernel.transaction((tx) => issueEnrolment(install.kernel, tx, asSystem('test'), noRequest, sleeper.id, 'operator'));
    const token = await tokenFor(install.kernel, sleeper);
    const disabled = await disableDormantUsers(install.kernel, asSystem('test: dormant accounts job'), 90);
    expect(disabled).toContain(sleeper.id);
    const row = await install.kernel.db.kysely.selectFrom('users').select('status').where('id', '=', sleeper.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('disabled');
    const enrol = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/enrol',
      payload: { token: new URL(link.link).hash.slice('#token='.length), newPassword: 'a fresh passphrase for later 9' },
    });
    expect(enrol.statusCode).toBe(401);
    const revoked = await install.kernel.db.kysely.selectFrom('api_tokens').select('revoked_at').where('user_id', '=', sleeper.id).execute();
    expect(revoked.every((t) => t.revoked_at !== null)).toBe(true);
    expect(token).toMatch(/^cst_/);
  });

  it('shows locked-out accounts to the security administrator, who can unlock them', async () => {
    const victim = await addUser(install.kernel, ['sales_rep'], 'Locked');
    for (let i = 0; i < 7; i++)
      await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: victim.email, password: `wrong password ${i}` } });
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: victim.email, password: USER_PASSWORD } })).statusCode).toBe(429);
    const locks = (await admin.call('GET', '/api/v1/security/lockouts')).json().items;
    expect(locks.map((l: { userId: string }) => l.userId)).toContain(victim.id);
    expect((await admin.call('POST', '/api/v1/security/lockouts/unlock', { userId: victim.id })).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: victim.email, password: USER_PASSWORD } })).statusCode).toBe(200);
  });

  it('lets the security administrator reset a lost second factor: the user must enrol again', async () => {
    const forgetful = await addUser(install.kernel, ['service_agent'], 'Care');
    const before = await fullSession(forgetful.email, USER_PASSWORD);
    expect((await before.call('POST', `/api/v1/users/${adminId}/mfa/reset`)).statusCode).toBe(403);
    nextStep();
    await admin.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get('admin@example.com') ?? '') });
    expect((await admin.call('POST', `/api/v1/users/${adminId}/mfa/reset`)).statusCode).toBe(403);
    expect((await admin.call('POST', `/api/v1/users/${forgetful.id}/mfa/reset`)).statusCode).toBe(204);
    expect((await before.call('GET', '/api/v1/me')).statusCode).toBe(401);
    const login = await new Client(app).call('POST', '/api/v1/auth/login', { email: forgetful.email, password: USER_PASSWORD });
    expect(login.json()).toMatchObject({ sessionKind: 'restricted', mfaEnrolmentRequired: true });
  });

  it("lets the security administrator edit the role matrix, keeping 三员分立, ending holders' sessions", async () => {
    const rep = await addUser(install.kernel, ['sales_rep'], 'Matrix');
    const manager = await addUser(install.kernel, ['sales_manager'], 'Matrix');
    const managerToken = await tokenFor(install.kernel, manager);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: { authorization: `Bearer ${managerToken}` },
      payload: { name: '孙丽', idNumber: '110101199202021234', ownerId: rep.id },
    });
    expect(created.statusCode, created.body).toBe(201);
    const repSession = await fullSession(rep.email, USER_PASSWORD);
    expect((await repSession.call('GET', `/api/v1/contacts/${created.json().id}`)).json().idNumber).toBeUndefined();

    nextStep();
    await admin.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get('admin@example.com') ?? '') });
    const fields = (await admin.call('GET', '/api/v1/roles')).json().items.find((r: { key: string }) => r.key === 'sales_rep').fields;
    const edited = await admin.call('PATCH', '/api/v1/roles/sales_rep', { fields: { contacts: { ...fields.contacts, idNumber: 'masked' } } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await repSession.call('GET', '/api/v1/me')).statusCode).toBe(401);
    const again = await fullSession(rep.email, USER_PASSWORD);
    expect((await again.call('GET', `/api/v1/contacts/${created.json().id}`)).json().idNumber).toBe('1101**********1234');

    const combined = await admin.call('PATCH', '/api/v1/roles/audit_admin', { permissions: ['audit.read', 'users.manage'] });
    expect(combined.statusCode).toBe(422);
    expect(combined.json().error.message).toContain('三员分立');
    expect((await admin.call('PATCH', '/api/v1/roles/security_admin', { permissions: ['users.read'] })).statusCode).toBe(403);
    expect((await admin.call('PATCH', '/api/v1/roles/sales_rep', { scope: { contacts: 'everything' } })).statusCode).toBe(422);
    const event = await install.kernel.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', 'role.changed').executeTakeFirstOrThrow();
    expect(event.resource_id).toBe('sales_rep');
  });

  it('lists API tokens with last use and revokes them', async () => {
    const user = await addUser(install.kernel, ['sales_manager'], 'Tokens');
    const token = await tokenFor(install.kernel, user);
    await app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { authorization: `Bearer ${token}` } });
    const listed = (await admin.call('GET', '/api/v1/tokens')).json().items.find((t: { userId: string }) => t.userId === user.id);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(await admin.call('GET', '/api/v1/tokens').then((r) => r.json()))).not.toContain(token);
    expect((await admin.call('DELETE', `/api/v1/tokens/${listed.id}`)).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });
});
