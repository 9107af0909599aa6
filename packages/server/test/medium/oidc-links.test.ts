import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { SESSION_COOKIE } from '../../src/http/session-cookies.js';
import { findUserByEmail, rolesOf } from '../../src/platform/identity/user-directory.js';
import type { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { cookieValue, type Person, ssoSettings, ssoSignIn, TestProvider, withOidc } from '../helpers/oidc-provider.js';
import { addUser, createTestInstall, type TestInstall, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep, TotpSessions } from '../helpers/totp-sessions.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const LINK_COOKIE = 'castellan_oidc_link';
const MINUTE = 60_000;

/**
 * An IdP identity whose verified e-mail matches an existing account only CLAIMS it. An IdP that lets
 * its users edit their e-mail must not hand out the administrator's account: the first link needs
 * the owner's password and second factor (in the browser that came back from the IdP), or a
 * security administrator's approval. Runs against the real oidc-provider.
 */
describe.each(testDialects)('linking an SSO identity to an existing account on %s', (dialect) => {
  let idp: TestProvider;
  let install: TestInstall;
  let app: App;
  let trusting: App;
  let sessions: TotpSessions;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    idp = await TestProvider.start();
    install = await createTestInstall(dialect, ssoSettings(idp.issuer));
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    trusting = await buildApp(withOidc(install.kernel, { trustAmr: true }), { logger: false });
    await trusting.ready();
    sessions = new TotpSessions(app);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await trusting?.close();
    await app?.close();
    await install?.cleanup();
    await idp?.close();
  });

  let counter = 0;
  const person = (overrides: Partial<Person>): string => {
    counter += 1;
    const sub = `link-${dialect}-${counter}`;
    idp.people.set(sub, { email: `someone${counter}@example.com`, email_verified: true, name: `Someone ${counter}`, groups: ['crm-agents'], ...overrides });
    return sub;
  };
  const signIn = (target: App, sub: string, amr: string[]) => ssoSignIn(idp, target, sub, amr);
  const db = () => install.kernel.db.kysely;
  const identityOf = (sub: string) => db().selectFrom('oidc_identities').selectAll().where('subject', '=', sub).executeTakeFirst();
  const lastAudit = (action: string) =>
    db().selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  const detailOf = async (action: string) => JSON.parse((await lastAudit(action)).detail ?? '{}');

  /** The claim's answer: nobody signed in, the browser sent to the explanation, the link bound to it by a cookie. */
  async function claim(target: App, sub: string, amr = ['pwd', 'mfa']): Promise<string> {
    const { res } = await signIn(target, sub, amr);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe('/#sso-link-required');
    expect(cookieValue(res, SESSION_COOKIE)).toBeUndefined();
    const cookie = res.cookies.find((c) => c.name === LINK_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/v1/auth/oidc' });
    return String(cookie?.value);
  }
  const link = (client: Client, linkToken: string) => {
    client.cookies.set(LINK_COOKIE, linkToken);
    return client.call('POST', '/api/v1/auth/oidc/link');
  };

  it("an IdP account whose e-mail equals the administrator's cannot take the administrator over", async () => {
    const admin = await findUserByEmail(install.kernel, 'admin@example.com');
    if (!admin) throw new Error('no admin');
    const rolesBefore = await rolesOf(install.kernel, admin.id);
    const sub = person({ email: 'Admin@EXAMPLE.com', groups: ['crm-agents'] });

    // Whatever the provider claims and however it is configured, the e-mail alone signs nobody in.
    const firstToken = await claim(app, sub);
    await claim(trusting, sub, ['pwd', 'mfa', 'hwk']);
    const noJit = await buildApp(withOidc(install.kernel, { jit: false }), { logger: false });
    let linkToken: string;
    try {
      // Each attempt renews the claim with a new token for the browser that made it.
      linkToken = await claim(noJit, sub);
    } finally {
      await noJit.close();
    }
    expect(await identityOf(sub)).toBeUndefined();
    expect(await rolesOf(install.kernel, admin.id)).toEqual(rolesBefore);
    const required = await lastAudit('auth.sso.link_required');
    expect(required).toMatchObject({ actor_kind: 'anonymous', actor_id: null, outcome: 'refused', resource: 'users', resource_id: admin.id });
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', admin.id).execute()).toEqual([]);

    // The link cookie without a sign-in is nothing.
    const anonymous = await app.inject({ method: 'POST', url: '/api/v1/auth/oidc/link', cookies: { [LINK_COOKIE]: linkToken } });
    expect(anonymous.statusCode).toBe(401);
    // The attacker's own account, fully signed in, cannot complete a link that claims another account.
    const attacker = await addUser(install.kernel, ['sales_rep'], 'Elsewhere');
    const own = await sessions.fullSession(attacker.email, USER_PASSWORD);
    const stolen = await link(own, linkToken);
    expect(stolen.statusCode, stolen.body).toBe(403);
    expect(await detailOf('auth.sso.link_refused')).toMatchObject({ step: 'proof', reason: 'other_account' });
    expect(await identityOf(sub)).toBeUndefined();
    // An earlier attempt's token, or a made-up one, links nothing either.
    expect((await link(own, firstToken)).statusCode).toBe(404);
    expect((await link(own, 'x'.repeat(43))).statusCode).toBe(404);
    expect(await identityOf(sub)).toBeUndefined();
  });

  it('the owner links it by signing in with their password and second factor after the attempt', async () => {
    const user = await addUser(install.kernel, ['sales_rep', 'licensing_manager'], undefined, `linked.${dialect}@example.com`);
    const earlier = await sessions.fullSession(user.email, USER_PASSWORD);
    nextTotpStep();
    const sub = person({ email: `Linked.${dialect}@EXAMPLE.com`, groups: ['crm-agents'] });
    const linkToken = await claim(app, sub);

    // A session from before the attempt does not prove the password now, even with a step-up.
    expect((await link(earlier, linkToken)).json().error.code).toBe('step_up_required');
    nextTotpStep();
    const stepUp = await earlier.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(String(sessions.secrets.get(user.email))) });
    expect(stepUp.statusCode, stepUp.body).toBe(200);
    const stillOld = await link(earlier, linkToken);
    expect(stillOld.statusCode).toBe(403);
    expect(await detailOf('auth.sso.link_refused')).toMatchObject({ reason: 'no_fresh_sign_in' });
    expect(await identityOf(sub)).toBeUndefined();

    // Password, then second factor, in the browser that holds the link: linked.
    const fresh = await sessions.fullSession(user.email, USER_PASSWORD);
    const linked = await link(fresh, linkToken);
    expect(linked.statusCode, linked.body).toBe(204);
    expect(linked.cookies.find((c) => c.name === LINK_COOKIE)?.value).toBe('');
    expect(await identityOf(sub)).toMatchObject({ user_id: user.id, linked_via: 'password_and_factor' });
    const event = await lastAudit('auth.sso.linked');
    expect(event).toMatchObject({ actor_kind: 'user', actor_id: user.id, resource_id: user.id });
    expect(JSON.parse(event.detail ?? '{}')).toMatchObject({ via: 'password_and_factor', issuer: idp.issuer });
    // The link is made once.
    expect((await link(fresh, linkToken)).statusCode).toBe(404);

    // From now on the identity signs in: Castellan's own factor is asked (amr not trusted) …
    const next = await signIn(app, sub, ['pwd', 'mfa']);
    expect(String(next.res.headers.location)).toMatch(/^\/#mfa-challenge=/);
    // … and the mapped roles are applied (sales_rep is managed by the mapping, licensing_manager is not).
    const trusted = await signIn(trusting, sub, ['pwd', 'mfa']);
    const profile = (
      await app.inject({ method: 'GET', url: '/api/v1/me', cookies: { [SESSION_COOKIE]: String(cookieValue(trusted.res, SESSION_COOKIE)) } })
    ).json();
    expect(profile.id).toBe(user.id);
    expect([...profile.roles].sort()).toEqual(['licensing_manager', 'service_agent']);

    // A second identity claiming the same e-mail cannot take the linked account over.
    const impostor = await signIn(app, person({ email: user.email }), ['pwd', 'mfa']);
    expect(impostor.res.statusCode).toBe(403);
    expect(await detailOf('auth.sso.refused')).toMatchObject({ reason: 'identity_conflict' });
  });

  it('the proof window closes after ten minutes (the claim stays for the security administrator)', async () => {
    const user = await addUser(install.kernel, ['sales_rep'], undefined, `late.${dialect}@example.com`);
    const sub = person({ email: user.email });
    const linkToken = await claim(app, sub);
    vi.setSystemTime(new Date(Date.now() + 11 * MINUTE));
    const late = await link(await sessions.fullSession(user.email, USER_PASSWORD), linkToken);
    expect(late.statusCode, late.body).toBe(404);
    expect(await identityOf(sub)).toBeUndefined();
    expect(await db().selectFrom('oidc_pending_links').select('user_id').where('subject', '=', sub).executeTakeFirst()).toEqual({ user_id: user.id });
  });

  it('a security administrator approves a claim (after a step-up, never their own) or refuses it; each is audited', async () => {
    const securityAdmin = await addUser(install.kernel, ['security_admin']);
    const target = await addUser(install.kernel, ['sales_manager'], 'North');
    const sub = person({ email: target.email, groups: ['crm-sales'] });
    await claim(app, sub);

    // Only the security administrator's permission sees the list.
    const asManager = await app.inject({
      method: 'GET',
      url: '/api/v1/security/sso-links',
      headers: { authorization: `Bearer ${await tokenFor(install.kernel, target)}` },
    });
    expect(asManager.statusCode).toBe(403);
    const admin = await sessions.fullSession(securityAdmin.email, USER_PASSWORD);
    const list = (await admin.call('GET', '/api/v1/security/sso-links')).json().items;
    const pending = list.find((item: { subject: string }) => item.subject === sub);
    expect(pending).toMatchObject({ userId: target.id, issuer: idp.issuer });

    // The step-up lapses after five minutes: no approval without a fresh second factor.
    vi.setSystemTime(new Date(Date.now() + 6 * MINUTE));
    const stale = await admin.call('POST', `/api/v1/security/sso-links/${pending.id}/approve`);
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe('step_up_required');
    expect(await identityOf(sub)).toBeUndefined();
    nextTotpStep();
    expect((await admin.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(String(sessions.secrets.get(securityAdmin.email))) })).statusCode).toBe(200);
    const approved = await admin.call('POST', `/api/v1/security/sso-links/${pending.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(204);
    expect(await identityOf(sub)).toMatchObject({ user_id: target.id, linked_via: 'approval' });
    const event = await lastAudit('auth.sso.linked');
    expect(event).toMatchObject({ actor_id: securityAdmin.id, resource_id: target.id });
    expect(JSON.parse(event.detail ?? '{}')).toMatchObject({ via: 'approval', linkId: pending.id });
    expect((await admin.call('POST', `/api/v1/security/sso-links/${pending.id}/approve`)).statusCode).toBe(404);
    // The identity now signs in to that account.
    const next = await signIn(app, sub, ['pwd']);
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', cookies: { [SESSION_COOKIE]: String(cookieValue(next.res, SESSION_COOKIE)) } });
    expect(me.json().id).toBe(target.id);

    // Nobody approves a claim on their own account; they may refuse it.
    const onMe = person({ email: securityAdmin.email });
    await claim(app, onMe);
    const mine = (await admin.call('GET', '/api/v1/security/sso-links')).json().items.find((item: { subject: string }) => item.subject === onMe);
    const self = await admin.call('POST', `/api/v1/security/sso-links/${mine.id}/approve`);
    expect(self.statusCode).toBe(403);
    expect(await detailOf('auth.sso.link_refused')).toMatchObject({ step: 'approval', reason: 'own_account' });
    expect(await identityOf(onMe)).toBeUndefined();
    const refused = await admin.call('POST', `/api/v1/security/sso-links/${mine.id}/refuse`);
    expect(refused.statusCode, refused.body).toBe(204);
    expect(await lastAudit('auth.sso.link_refused')).toMatchObject({ outcome: 'success', actor_id: securityAdmin.id, resource_id: securityAdmin.id });
    const after = (await admin.call('GET', '/api/v1/security/sso-links')).json().items;
    expect(after.some((item: { subject: string }) => item.subject === onMe)).toBe(false);
    expect(await identityOf(onMe)).toBeUndefined();
  });
});
