import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inviteAsOperator } from '../../src/cli/user.command.js';
import { buildApp } from '../../src/http/build-app.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { linkToken, SmtpInbox, unfold } from '../helpers/smtp-inbox.js';
import { ADMIN_PASSWORD, addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep, TotpSessions } from '../helpers/totp-sessions.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * Finding 5: one administrator could read all personal data by creating a privacy officer and
 * signing in with the one-time password the API handed back. These tests attack that and its
 * variants: an administrator-chosen password, a password known from before a grant, two duties on
 * one user across roles, a role edit that combines a duty with personal data, the first
 * administrator keeping both roles once a second administrator exists.
 */
describe.each(testDialects)('no administrator holds a credential of, or two duties over, personal data on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let admin: Client;
  let adminId: string;
  let sessions: TotpSessions;
  const inbox = new SmtpInbox();
  const db = () => install.kernel.db.kysely;
  const stepUp = async (client: Client, email = 'admin@example.com') => {
    nextTotpStep();
    const res = await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get(email) ?? '') });
    expect(res.statusCode, res.body).toBe(200);
  };
  const login = (email: string, password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  const enrol = (token: string, newPassword: string) => app.inject({ method: 'POST', url: '/api/v1/auth/enrol', payload: { token, newPassword } });
  const rolesOf = async (id: string) =>
    (await db().selectFrom('user_roles').select('role_key').where('user_id', '=', id).execute()).map((r) => r.role_key).sort();
  const userCount = async () =>
    Number(
      (
        await db()
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const smtpUrl = await inbox.start();
    install = await createTestInstall(dialect, { CASTELLAN_SMTP_URL: smtpUrl, CASTELLAN_PUBLIC_URL: 'https://crm.example.com' });
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    sessions = new TotpSessions(app);
    admin = await sessions.fullSession('admin@example.com', ADMIN_PASSWORD);
    adminId = (await admin.call('GET', '/api/v1/me')).json().id;
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
    await inbox.stop();
  });

  it('gives no one-time password for a privacy officer and refuses one chosen by the administrator; the person enrols by a one-time link', async () => {
    await stepUp(admin);
    const before = await userCount();
    const chosen = await admin.call('POST', '/api/v1/users', {
      email: 'dpo@example.com',
      name: 'Data Protection',
      roles: ['privacy_officer'],
      password: 'admin knows this one 4711',
    });
    expect(chosen.statusCode, chosen.body).toBe(422);
    expect(await userCount()).toBe(before);

    const created = await admin.call('POST', '/api/v1/users', { email: 'dpo@example.com', name: 'Data Protection', roles: ['privacy_officer'] });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().oneTimePassword).toBeUndefined();
    expect(created.json().enrolment).toMatchObject({ mailed: true });
    expect(created.body).not.toMatch(/#token=/);
    const dpoId = created.json().user.id;
    const row = await db().selectFrom('users').select(['password_hash']).where('id', '=', dpoId).executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();

    const mail = inbox.lastTo('dpo@example.com');
    expect(unfold(mail)).toContain('https://crm.example.com/enrol#token=');
    const token = linkToken(mail);
    expect(token.length).toBeGreaterThan(40);
    const stored = await db().selectFrom('enrolments').selectAll().where('user_id', '=', dpoId).execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect((await enrol(token, 'password1234')).statusCode).toBe(422);
    expect((await enrol(token, 'saffron meadow lantern 88')).statusCode).toBe(204);
    expect((await enrol(token, 'another saffron meadow 99')).statusCode).toBe(401);
    const signedIn = await login('dpo@example.com', 'saffron meadow lantern 88');
    expect(signedIn.json()).toMatchObject({ sessionKind: 'restricted', mfaEnrolmentRequired: true, passwordChangeRequired: false });

    const events = await db().selectFrom('audit_events').select(['action', 'detail']).where('resource_id', '=', dpoId).orderBy('seq').execute();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['user.created', 'auth.enrolment.issued', 'auth.enrolment.completed']));
    const refused = await db().selectFrom('audit_events').select('detail').where('action', '=', 'auth.enrolment.refused').execute();
    expect(refused.map((e) => JSON.parse(String(e.detail)).reason)).toContain('used');
    expect(JSON.stringify(await db().selectFrom('audit_events').selectAll().execute())).not.toContain(token);
  });

  it('e-mails a new link on request, never showing it to the administrator; the older link stops working', async () => {
    const created = await admin.call('POST', '/api/v1/users', { email: 'late.starter@example.com', name: 'Late Starter', roles: [] });
    const id = created.json().user.id as string;
    const first = await admin.call('POST', `/api/v1/users/${id}/enrolment`);
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ mailed: true });
    expect(first.body).not.toMatch(/token/);
    const old = linkToken(inbox.lastTo('late.starter@example.com'));
    expect((await admin.call('POST', `/api/v1/users/${id}/enrolment`)).statusCode).toBe(202);
    const fresh = linkToken(inbox.lastTo('late.starter@example.com'));
    expect(fresh).not.toBe(old);
    expect((await enrol(old, 'walnut cabinet drizzle 64')).statusCode).toBe(401);
    expect((await enrol(fresh, 'walnut cabinet drizzle 64')).statusCode).toBe(204);
    expect((await admin.call('POST', '/api/v1/users/01a22885-0a4d-7f08-9296-cdbe0f87e732/enrolment')).statusCode).toBe(404);
  });

  it('withdraws a password the administrator knew (even one they changed by signing in as the account) when a grant lets it read personal data', async () => {
    const created = await admin.call('POST', '/api/v1/users', { email: 'temp.hire@example.com', name: 'Temp Hire' });
    expect(created.statusCode, created.body).toBe(201);
    const otp = created.json().oneTimePassword as string;
    const id = created.json().user.id as string;
    // The administrator signs in as the new account, replaces the password and sets up a TOTP.
    const impostor = new Client(app);
    await impostor.call('POST', '/api/v1/auth/login', { email: 'temp.hire@example.com', password: otp });
    const changed = await impostor.call('POST', '/api/v1/me/password', { currentPassword: otp, newPassword: 'impostor knows this 2024' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await impostor.call('POST', '/api/v1/me/mfa/totp')).statusCode).toBe(200);

    await stepUp(admin);
    const granted = await admin.call('PATCH', `/api/v1/users/${id}`, { roles: ['service_agent'] });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json().enrolment).toMatchObject({ mailed: true });
    expect((await login('temp.hire@example.com', 'impostor knows this 2024')).statusCode).toBe(401);
    expect((await impostor.call('GET', '/api/v1/me')).statusCode).toBe(401);
    const row = await db()
      .selectFrom('users')
      .select(['password_hash', 'totp_pending_enc', 'admin_known_credential'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ password_hash: null, totp_pending_enc: null, admin_known_credential: 0 });
    const token = linkToken(inbox.lastTo('temp.hire@example.com'));
    expect((await enrol(token, 'juniper orchard window 31')).statusCode).toBe(204);
    expect((await login('temp.hire@example.com', 'juniper orchard window 31')).json()).toMatchObject({ mfaEnrolmentRequired: true });
    const withdrawn = await db()
      .selectFrom('audit_events')
      .select('actor_id')
      .where('action', '=', 'auth.credentials.withdrawn')
      .where('resource_id', '=', id)
      .execute();
    expect(withdrawn.map((e) => e.actor_id)).toEqual([adminId]);
  });

  it('makes an administrator-chosen password be changed at first sign-in, for an account that may have one', async () => {
    const created = await admin.call('POST', '/api/v1/users', { email: 'kiosk@example.com', name: 'Front Desk', password: 'lobby lantern sunrise 2027' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().oneTimePassword).toBeUndefined();
    expect((await login('kiosk@example.com', 'lobby lantern sunrise 2027')).json()).toMatchObject({ sessionKind: 'restricted', passwordChangeRequired: true });
  });

  it('sets the manager inside the creation transaction, names it in the event, and refuses an unknown one with nothing created', async () => {
    const before = await userCount();
    const unknown = await admin.call('POST', '/api/v1/users', { email: 'lost@example.com', name: 'Lost', managerId: '01a22885-0a4d-7f08-9296-cdbe0f87e732' });
    expect(unknown.statusCode, unknown.body).toBe(422);
    expect(await userCount()).toBe(before);
    const boss = await addUser(install.kernel, ['sales_manager'], 'Managed');
    const created = await admin.call('POST', '/api/v1/users', { email: 'report@example.com', name: 'Report', managerId: boss.id });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().user.managerId).toBe(boss.id);
    const event = await db()
      .selectFrom('audit_events')
      .select(['detail', 'actor_id'])
      .where('action', '=', 'user.created')
      .where('resource_id', '=', created.json().user.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(String(event.detail))).toMatchObject({ managerId: boss.id });
    expect(event.actor_id).toBe(adminId);
  });

  it('refuses two administrator duties, or one and personal data, across all the roles of one user; nothing changes', async () => {
    const target = await addUser(install.kernel, ['sales_rep'], 'Duties');
    await stepUp(admin);
    for (const roles of [
      ['security_admin', 'audit_admin'],
      ['system_admin', 'privacy_officer'],
      ['audit_admin', 'sales_rep'],
    ]) {
      const res = await admin.call('PATCH', `/api/v1/users/${target.id}`, { roles });
      expect(res.statusCode, `${roles}: ${res.body}`).toBe(422);
      expect(res.json().error.message).toContain('三员分立');
      expect(await rolesOf(target.id)).toEqual(['sales_rep']);
    }
    const before = await userCount();
    const created = await admin.call('POST', '/api/v1/users', { email: 'two.hats@example.com', name: 'Two Hats', roles: ['audit_admin', 'marketing'] });
    expect(created.statusCode, created.body).toBe(422);
    expect(await userCount()).toBe(before);
    expect(await rolesOf(adminId)).toEqual(['security_admin', 'system_admin']);
  });

  it('refuses a role edit that combines a duty with personal data, for the role or for anyone holding it with another role', async () => {
    await stepUp(admin);
    const direct = await admin.call('PATCH', '/api/v1/roles/audit_admin', { permissions: ['audit.read', 'contacts.read'] });
    expect(direct.statusCode, direct.body).toBe(422);
    expect(direct.json().error.message).toContain('personal data');
    // marketing loses contacts: an auditor may then also hold it ...
    expect((await admin.call('PATCH', '/api/v1/roles/marketing', { permissions: ['accounts.read'] })).statusCode).toBe(200);
    const auditor = await addUser(install.kernel, ['audit_admin']);
    const both = await admin.call('PATCH', `/api/v1/users/${auditor.id}`, { roles: ['audit_admin', 'marketing'] });
    expect(both.statusCode, both.body).toBe(200);
    // ... and giving marketing contacts back would make that auditor read personal data: refused.
    const back = await admin.call('PATCH', '/api/v1/roles/marketing', { permissions: ['contacts.read', 'accounts.read'] });
    expect(back.statusCode, back.body).toBe(422);
    expect(back.json().error.message).toContain(auditor.id);
    const stored = await db().selectFrom('roles').select('permissions').where('key', '=', 'marketing').executeTakeFirstOrThrow();
    expect(JSON.parse(stored.permissions)).toEqual(['accounts.read']);
    expect((await admin.call('PATCH', `/api/v1/users/${auditor.id}`, { roles: ['audit_admin'] })).statusCode).toBe(200);
    expect((await admin.call('PATCH', '/api/v1/roles/marketing', { permissions: ['contacts.read', 'accounts.read'] })).statusCode).toBe(200);
  });

  it('voids a pending enrolment link when the account is disabled; enabling it again does not revive the link', async () => {
    await stepUp(admin);
    const created = await admin.call('POST', '/api/v1/users', { email: 'leaver@example.com', name: 'Early Leaver', roles: ['sales_rep'] });
    const id = created.json().user.id as string;
    const token = linkToken(inbox.lastTo('leaver@example.com'));
    expect((await admin.call('PATCH', `/api/v1/users/${id}`, { status: 'disabled' })).statusCode).toBe(200);
    expect((await admin.call('PATCH', `/api/v1/users/${id}`, { status: 'active' })).statusCode).toBe(200);
    expect((await enrol(token, 'hazel window thunder 73')).statusCode).toBe(401);
  });

  it("ends the first administrator's pair when a second administrator is made: the first gives up that role at once, for good", async () => {
    await stepUp(admin);
    const created = await admin.call('POST', '/api/v1/users', { email: 'secadmin@example.com', name: 'Second Admin', roles: ['security_admin'] });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().oneTimePassword).toBeUndefined();
    expect(await rolesOf(adminId)).toEqual(['system_admin']);
    expect((await admin.call('GET', '/api/v1/me')).statusCode).toBe(401);
    const event = await db()
      .selectFrom('audit_events')
      .select(['detail', 'actor_id'])
      .where('action', '=', 'user.roles.changed')
      .where('resource_id', '=', adminId)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(String(event.detail))).toMatchObject({
      before: expect.arrayContaining(['system_admin', 'security_admin']),
      after: ['system_admin'],
      reason: 'bootstrap_pair_ended',
      secondAdministrator: created.json().user.id,
    });
    expect(await db().selectFrom('settings').select('value').where('key', '=', 'bootstrap_admin').executeTakeFirst()).toBeUndefined();

    // The new security administrator enrols by the link and cannot give the first one both roles back.
    expect((await enrol(linkToken(inbox.lastTo('secadmin@example.com')), 'granite harbour signal 57')).statusCode).toBe(204);
    const second = await sessions.fullSession('secadmin@example.com', 'granite harbour signal 57');
    const back = await second.call('PATCH', `/api/v1/users/${adminId}`, { roles: ['system_admin', 'security_admin'] });
    expect(back.statusCode, back.body).toBe(422);
    expect(await rolesOf(adminId)).toEqual(['system_admin']);
  });

  it('prints a new link for the operator (older links stop working) and refuses a link after it expires', async () => {
    const person = await addUser(install.kernel, ['sales_rep'], 'Invited');
    const first = await inviteAsOperator(install.kernel, person.email);
    const second = await inviteAsOperator(install.kernel, person.email);
    expect(second.link).toMatch(/^https:\/\/crm\.example\.com\/enrol#token=[A-Za-z0-9_-]{43}$/);
    const tokenOf = (link: string) => link.split('#token=')[1] ?? '';
    expect((await enrol(tokenOf(first.link), 'cobalt river evening 12')).statusCode).toBe(401);
    vi.setSystemTime(new Date(Date.now() + 73 * 3600_000));
    expect((await enrol(tokenOf(second.link), 'cobalt river evening 12')).statusCode).toBe(401);
    const reasons = (await db().selectFrom('audit_events').select('detail').where('action', '=', 'auth.enrolment.refused').execute()).map(
      (e) => JSON.parse(String(e.detail)).reason,
    );
    expect(reasons).toEqual(expect.arrayContaining(['superseded', 'expired']));
  });
});
