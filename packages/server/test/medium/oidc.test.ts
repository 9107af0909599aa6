import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { buildApp } from '../../src/http/build-app.js';
import { loggerOptions } from '../../src/http/logger-options.js';
import { SESSION_COOKIE } from '../../src/http/session-cookies.js';
import { auditPseudonym } from '../../src/platform/audit/audit-personal-details.js';
import { testDialects } from '../helpers/databases.js';
import {
  CLIENT_ID,
  oidcCallback,
  type Person,
  roundTrip as providerRoundTrip,
  REDIRECT_URI,
  ssoSettings,
  ssoSignIn,
  TestProvider,
  withOidc,
} from '../helpers/oidc-provider.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

type App = Awaited<ReturnType<typeof buildApp>>;

describe.each(testDialects)('single sign-on with OpenID Connect on %s', (dialect) => {
  let idp: TestProvider;
  let install: TestInstall;
  let app: App;
  let trusting: App;

  beforeAll(async () => {
    idp = await TestProvider.start();
    install = await createTestInstall(dialect, ssoSettings(idp.issuer));
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    // The same installation, configured to trust the provider's amr (CASTELLAN_OIDC_TRUST_AMR=true).
    trusting = await buildApp(withOidc(install.kernel, { trustAmr: true }), { logger: false });
    await trusting.ready();
  });
  afterAll(async () => {
    await trusting?.close();
    await app?.close();
    await install?.cleanup();
    await idp?.close();
  });

  let counter = 0;
  const person = (overrides: Partial<Person> = {}): string => {
    counter += 1;
    const sub = `idp-${dialect}-${counter}`;
    idp.people.set(sub, {
      email: `person${counter}.${dialect}@example.com`,
      email_verified: true,
      name: `Person ${counter}`,
      groups: ['crm-agents'],
      ...overrides,
    });
    return sub;
  };

  const roundTrip = (target: App, sub: string, amr: string[], acr?: string) => providerRoundTrip(idp, target, sub, amr, acr);
  const callback = oidcCallback;
  const signIn = (target: App, sub: string, amr: string[], acr?: string) => ssoSignIn(idp, target, sub, amr, acr);

  const sessionOf = (res: Awaited<ReturnType<App['inject']>>) => res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
  const me = (token: string) => app.inject({ method: 'GET', url: '/api/v1/me', cookies: { [SESSION_COOKIE]: token } });
  const lastAudit = async (action: string) =>
    install.kernel.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const userCount = async () =>
    Number(
      (
        await install.kernel.db.kysely
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('answers whether SSO is configured, and 404 for its routes when it is not', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/oidc' })).json()).toEqual({ enabled: true });
    const off = await buildApp(withOidc(install.kernel, null), { logger: false });
    try {
      expect((await off.inject({ method: 'GET', url: '/api/v1/auth/oidc' })).json()).toEqual({ enabled: false });
      for (const url of ['/api/v1/auth/oidc/start', '/api/v1/auth/oidc/callback?code=x&state=y']) {
        const res = await off.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('not_found');
      }
    } finally {
      await off.close();
    }
  });

  it('sends the browser to the provider with state, nonce and PKCE S256', async () => {
    const start = await app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' });
    const url = new URL(String(start.headers.location));
    expect(url.origin).toBe(idp.issuer);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid email profile groups',
      code_challenge_method: 'S256',
    });
    expect(params.state).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(params.nonce).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(start.cookies.find((c) => c.name === 'castellan_oidc_state')?.value).toBe(params.state);
    const rows = await install.kernel.db.kysely.selectFrom('oidc_logins').selectAll().execute();
    // Neither the state nor the verifier is stored as such.
    expect(JSON.stringify(rows)).not.toContain(String(params.state));
  });

  it('JIT-provisions a new user with the mapped role and team; a trusted IdP second factor gives a full session', async () => {
    const sub = person({ groups: ['crm-agents', 'unrelated-group'], department: 'Care Desk' });
    const before = await userCount();
    const { res } = await signIn(trusting, sub, ['pwd', 'otp']);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe('/');
    const token = sessionOf(res);
    expect(token).toBeDefined();
    expect(res.cookies.find((c) => c.name === 'castellan_oidc_state')?.value).toBe('');
    const profile = (await me(String(token))).json();
    expect(profile).toMatchObject({ email: idp.people.get(sub)?.email, name: idp.people.get(sub)?.name, roles: ['service_agent'], session: { kind: 'full' } });
    expect(profile.teamId).not.toBeNull();
    expect(await userCount()).toBe(before + 1);
    expect((await app.inject({ method: 'GET', url: '/api/v1/contacts', cookies: { [SESSION_COOKIE]: String(token) } })).statusCode).toBe(200);
    const identity = await install.kernel.db.kysely.selectFrom('oidc_identities').selectAll().where('subject', '=', sub).executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ issuer: idp.issuer, user_id: profile.id, linked_via: 'jit' });
    const audit = await lastAudit('auth.sso.succeeded');
    expect(JSON.parse(audit?.detail ?? '{}')).toMatchObject({ provisioned: true, idpMfa: true, sessionKind: 'full' });

    // The second sign-in finds the same account by (issuer, sub).
    const again = await signIn(trusting, sub, ['pwd', 'hwk']);
    expect((await me(String(sessionOf(again.res)))).json().id).toBe(profile.id);
    expect(await userCount()).toBe(before + 1);
  });

  it('counts the configured acr as multi-factor', async () => {
    const acrApp = await buildApp(withOidc(install.kernel, { mfaAcr: 'urn:test:loa:2' }), { logger: false });
    try {
      const { res } = await signIn(acrApp, person(), ['pwd'], 'urn:test:loa:2');
      expect(res.statusCode, res.body).toBe(302);
      expect((await me(String(sessionOf(res)))).json().session.kind).toBe('full');
    } finally {
      await acrApp.close();
    }
  });

  it('ignores amr and acr unless configured to trust them: Castellan asks for its own factor instead', async () => {
    // A new JIT user whose IdP claims every multi-factor method: still a session that must enrol a Castellan factor.
    const sub = person();
    const first = await signIn(app, sub, ['pwd', 'mfa', 'otp', 'hwk'], 'urn:test:loa:2');
    expect(first.res.statusCode, first.res.body).toBe(302);
    expect((await me(String(sessionOf(first.res)))).json().session.kind).toBe('restricted');
    expect(JSON.parse((await lastAudit('auth.sso.succeeded'))?.detail ?? '{}')).toMatchObject({ idpMfa: false, sessionKind: 'restricted' });
    // With a Castellan factor enrolled, the untrusted amr is answered with a challenge for it, as after a password.
    const identity = await install.kernel.db.kysely.selectFrom('oidc_identities').select('user_id').where('subject', '=', sub).executeTakeFirstOrThrow();
    await install.kernel.db.kysely.updateTable('users').set({ mfa_enrolled_at: new Date().toISOString() }).where('id', '=', identity.user_id).execute();
    const second = await signIn(app, sub, ['pwd', 'mfa']);
    expect(String(second.res.headers.location)).toMatch(/^\/#mfa-challenge=/);
    expect(sessionOf(second.res)).toBeUndefined();
    // An acr that is not the configured one never counts, even where amr is trusted.
    const acrOnly = await signIn(trusting, sub, ['pwd'], 'urn:test:loa:2');
    expect(String(acrOnly.res.headers.location)).toMatch(/^\/#mfa-challenge=/);
    // Trusted (CASTELLAN_OIDC_TRUST_AMR=true): the IdP's second factor stands in for Castellan's.
    const trusted = await signIn(trusting, sub, ['pwd', 'mfa']);
    expect(trusted.res.headers.location).toBe('/');
    expect((await me(String(sessionOf(trusted.res)))).json().session.kind).toBe('full');
  });

  it('gives a restricted session (enrol a Castellan factor) when the IdP sign-in was single-factor', async () => {
    const { res } = await signIn(app, person({ groups: ['crm-sales'] }), ['pwd']);
    expect(res.statusCode, res.body).toBe(302);
    const token = String(sessionOf(res));
    expect((await me(token)).json()).toMatchObject({ roles: ['sales_rep'], session: { kind: 'restricted' }, mfaEnrolled: false });
    expect((await app.inject({ method: 'GET', url: '/api/v1/contacts', cookies: { [SESSION_COOKIE]: token } })).statusCode).toBe(403);
  });

  it('asks a user who has a Castellan factor for it when the IdP sign-in was single-factor', async () => {
    const sub = person();
    await signIn(app, sub, ['pwd', 'mfa']);
    const identity = await install.kernel.db.kysely.selectFrom('oidc_identities').select('user_id').where('subject', '=', sub).executeTakeFirstOrThrow();
    await install.kernel.db.kysely.updateTable('users').set({ mfa_enrolled_at: new Date().toISOString() }).where('id', '=', identity.user_id).execute();
    const { res } = await signIn(app, sub, ['pwd']);
    expect(res.statusCode, res.body).toBe(302);
    expect(String(res.headers.location)).toMatch(/^\/#mfa-challenge=[A-Za-z0-9_-]{30,}$/);
    expect(sessionOf(res)).toBeUndefined();
    const challengeId = decodeURIComponent(String(res.headers.location).split('=')[1]);
    expect(await install.kernel.db.kysely.selectFrom('mfa_challenges').select('user_id').where('id', '=', challengeId).executeTakeFirst()).toEqual({
      user_id: identity.user_id,
    });
  });

  it('refuses an unknown user when JIT is off (403, audited) and creates nobody', async () => {
    const noJit = await buildApp(withOidc(install.kernel, { jit: false }), { logger: false });
    try {
      const before = await userCount();
      const { res } = await signIn(noJit, person(), ['pwd', 'mfa']);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
      expect(sessionOf(res)).toBeUndefined();
      expect(await userCount()).toBe(before);
      expect(JSON.parse((await lastAudit('auth.sso.refused'))?.detail ?? '{}')).toMatchObject({ reason: 'unknown_account' });
    } finally {
      await noJit.close();
    }
  });

  it('refuses a user none of whose groups is mapped (403, audited)', async () => {
    const before = await userCount();
    const { res } = await signIn(app, person({ groups: ['film-crew', 'constructor', '__proto__'] }), ['pwd', 'mfa']);
    expect(res.statusCode).toBe(403);
    expect(sessionOf(res)).toBeUndefined();
    expect(await userCount()).toBe(before);
    const audit = await lastAudit('auth.sso.refused');
    expect(audit?.outcome).toBe('refused');
    expect(JSON.parse(audit?.detail ?? '{}')).toMatchObject({ reason: 'no_mapped_group', groups: ['film-crew', 'constructor', '__proto__'] });
  });

  it('refuses to provision from an unverified e-mail address', async () => {
    const { res } = await signIn(app, person({ email_verified: false }), ['pwd', 'mfa']);
    expect(res.statusCode).toBe(403);
    expect(JSON.parse((await lastAudit('auth.sso.refused'))?.detail ?? '{}')).toMatchObject({ reason: 'email_unverified' });
  });

  it('refuses a sign-in whose mapped roles would break separation of duties, and changes no role', async () => {
    const sub = person();
    const first = await signIn(app, sub, ['pwd', 'mfa']);
    const userId = (await me(String(sessionOf(first.res)))).json().id;
    // The account has since become the audit administrator (and only that).
    await install.kernel.db.kysely.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    await install.kernel.db.kysely.insertInto('user_roles').values({ user_id: userId, role_key: 'audit_admin' }).execute();
    const { res } = await signIn(app, sub, ['pwd', 'mfa']);
    expect(res.statusCode).toBe(403);
    expect(sessionOf(res)).toBeUndefined();
    expect(JSON.parse((await lastAudit('auth.sso.refused'))?.detail ?? '{}')).toMatchObject({ reason: 'separation_of_duties' });
    const roles = await install.kernel.db.kysely.selectFrom('user_roles').select('role_key').where('user_id', '=', userId).execute();
    expect(roles.map((r) => r.role_key)).toEqual(['audit_admin']);
  });

  it('refuses a disabled user', async () => {
    const sub = person();
    const first = await signIn(app, sub, ['pwd', 'mfa']);
    const userId = (await me(String(sessionOf(first.res)))).json().id;
    await install.kernel.db.kysely.updateTable('users').set({ status: 'disabled' }).where('id', '=', userId).execute();
    const { res } = await signIn(app, sub, ['pwd', 'mfa']);
    expect(res.statusCode).toBe(403);
    expect(sessionOf(res)).toBeUndefined();
    expect(JSON.parse((await lastAudit('auth.sso.refused'))?.detail ?? '{}')).toMatchObject({ reason: 'disabled' });
  });

  it('refuses a replayed callback (the state is used once)', async () => {
    const { trip, res } = await signIn(app, person(), ['pwd', 'mfa']);
    expect(res.statusCode).toBe(302);
    const replay = await callback(app, trip.query, trip.state);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('unauthenticated');
    expect(sessionOf(replay)).toBeUndefined();
    expect(JSON.parse((await lastAudit('auth.sso.failed'))?.detail ?? '{}')).toMatchObject({ reason: 'state_reused' });
  });

  it('refuses a tampered state, a missing state cookie and a provider error, without burning the real attempt', async () => {
    const trip = await roundTrip(app, person(), ['pwd', 'mfa']);
    const params = new URLSearchParams(trip.query);
    const original = String(params.get('state'));
    const forged = `${original.slice(0, -2)}${original.endsWith('AA') ? 'BB' : 'AA'}`;
    params.set('state', forged);
    const tampered = await callback(app, `?${params}`, trip.state);
    expect(tampered.statusCode).toBe(401);
    expect(JSON.parse((await lastAudit('auth.sso.failed'))?.detail ?? '{}')).toMatchObject({ reason: 'state_mismatch' });
    // Even with a matching forged cookie, the state is unknown.
    expect((await callback(app, `?${params}`, forged)).statusCode).toBe(401);
    expect(JSON.parse((await lastAudit('auth.sso.failed'))?.detail ?? '{}')).toMatchObject({ reason: 'state_unknown' });
    // The callback URL alone (another browser, no state cookie) signs nobody in: no login CSRF.
    expect((await callback(app, trip.query)).statusCode).toBe(401);
    // The genuine callback still works afterwards.
    const genuine = await callback(app, trip.query, trip.state);
    expect(genuine.statusCode, genuine.body).toBe(302);
    expect(sessionOf(genuine)).toBeDefined();

    const denied = await roundTrip(app, person(), ['pwd', 'mfa']);
    const error = await callback(app, `?error=access_denied&state=${new URLSearchParams(denied.query).get('state')}`, denied.state);
    expect(error.statusCode).toBe(401);
    expect(JSON.parse((await lastAudit('auth.sso.failed'))?.detail ?? '{}')).toMatchObject({ reason: 'provider_error', error: 'access_denied' });
  });

  it('refuses a code exchanged with another attempt’s verifier (PKCE binds the code to its attempt)', async () => {
    const first = await roundTrip(app, person(), ['pwd', 'mfa']);
    const second = await roundTrip(app, person(), ['pwd', 'mfa']);
    // Second attempt's state (and so its verifier and nonce) with the first attempt's code.
    const params = new URLSearchParams(first.query);
    params.set('state', String(new URLSearchParams(second.query).get('state')));
    const res = await callback(app, `?${params}`, second.state);
    expect(res.statusCode).toBe(401);
    expect(JSON.parse((await lastAudit('auth.sso.failed'))?.detail ?? '{}')).toMatchObject({ reason: 'token_exchange' });
  });

  it('never writes the code, the state or tokens to the log or the audit trail', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await buildApp(install.kernel, {
      logger: { ...(loggerOptions('trace', (ip) => auditPseudonym(install.kernel.keyring, 'ip', ip)) as object), stream },
    });
    try {
      const { trip, res } = await signIn(logged, person(), ['pwd', 'mfa']);
      expect(res.statusCode).toBe(302);
      await callback(logged, trip.query, trip.state);
      const code = String(new URLSearchParams(trip.query).get('code'));
      const text = lines.join('');
      expect(text).toContain('/api/v1/auth/oidc/callback');
      const audits = JSON.stringify(await install.kernel.db.kysely.selectFrom('audit_events').selectAll().execute());
      for (const secret of [code, trip.state, String(sessionOf(res))]) {
        expect(text).not.toContain(secret);
        expect(audits).not.toContain(secret);
      }
    } finally {
      await logged.close();
    }
  });
});

describe('SSO configuration', () => {
  const base = {
    CASTELLAN_OIDC_ISSUER: 'https://idp.example.com',
    CASTELLAN_OIDC_CLIENT_ID: 'castellan',
    CASTELLAN_OIDC_ROLE_MAPPING: '{"staff":"sales_rep"}',
  };
  const problem = (settings: Record<string, string>) => {
    try {
      loadConfig({}, settings);
    } catch (error) {
      if (error instanceof ConfigError) return error;
    }
    return undefined;
  };

  it('is off unless an issuer is set, and derives the redirect URI from the port', () => {
    expect(loadConfig({}, {}).oidc).toBeNull();
    const oidc = loadConfig(
      {},
      { ...base, CASTELLAN_PORT: '9443', CASTELLAN_OIDC_ROLE_MAPPING: '{"staff":"sales_rep","admins":["system_admin","security_admin"]}' },
    ).oidc;
    expect(oidc).toMatchObject({
      redirectUri: 'https://localhost:9443/api/v1/auth/oidc/callback',
      jit: false,
      groupsClaim: 'groups',
      roleMapping: { staff: ['sales_rep'], admins: ['system_admin', 'security_admin'] },
    });
  });

  it('names the variable of a bad value', () => {
    expect(problem({ ...base, CASTELLAN_OIDC_ROLE_MAPPING: '{"staff":"emperor"}' })?.variable).toBe('CASTELLAN_OIDC_ROLE_MAPPING');
    expect(problem({ ...base, CASTELLAN_OIDC_ROLE_MAPPING: 'staff=sales_rep' })?.variable).toBe('CASTELLAN_OIDC_ROLE_MAPPING');
    expect(problem({ ...base, CASTELLAN_OIDC_ROLE_MAPPING: '{}' })?.variable).toBe('CASTELLAN_OIDC_ROLE_MAPPING');
    expect(problem({ ...base, CASTELLAN_OIDC_JIT: 'yes' })?.variable).toBe('CASTELLAN_OIDC_JIT');
    expect(problem({ ...base, CASTELLAN_OIDC_ISSUER: 'http://idp.example.com' })?.variable).toBe('CASTELLAN_OIDC_ISSUER');
    expect(problem({ ...base, CASTELLAN_OIDC_CLIENT_ID: '' })?.variable).toBe('CASTELLAN_OIDC_CLIENT_ID');
    expect(problem({ ...base, CASTELLAN_OIDC_SCOPES: 'email profile' })?.variable).toBe('CASTELLAN_OIDC_SCOPES');
    expect(loadConfig({}, { ...base, CASTELLAN_OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc?.issuer).toBe('http://127.0.0.1:4000');
  });
});
