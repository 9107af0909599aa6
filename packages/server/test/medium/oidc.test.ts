import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { buildApp } from '../../src/http/build-app.js';
import { loggerOptions } from '../../src/http/logger-options.js';
import { SESSION_COOKIE } from '../../src/http/session-cookies.js';
import type { Kernel } from '../../src/platform/kernel.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/** The people the test identity provider knows (its own accounts, not Castellan's). */
interface Person {
  email: string;
  email_verified: boolean;
  name: string;
  groups: string[];
  department?: string;
}

const CLIENT_ID = 'castellan-test';
const CLIENT_SECRET = 'a client secret only the test knows';
const REDIRECT_URI = 'https://castellan.test:8443/api/v1/auth/oidc/callback';

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 and a random port. Its interaction
 * step (log in, consent) is a tiny route that signs in whoever the test names next, with the
 * authentication methods (amr) the test chooses.
 */
class TestProvider {
  readonly people = new Map<string, Person>();
  next: { sub: string; amr: string[]; acr?: string } = { sub: '', amr: ['pwd'] };
  private constructor(
    readonly issuer: string,
    private readonly server: Server,
  ) {}

  static async start(): Promise<TestProvider> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const idp = new TestProvider(issuer, server);
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [REDIRECT_URI],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      scopes: ['openid', 'email', 'profile', 'groups'],
      // amr and acr ride with the openid scope, so every ID token carries them.
      claims: { openid: ['sub', 'amr', 'acr'], email: ['email', 'email_verified'], profile: ['name', 'department'], groups: ['groups'] },
      cookies: { keys: ['oidc-test-cookie-signing-key'] },
      jwks: {
        keys: [
          { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', alg: 'RS256', use: 'sig' },
        ],
      },
      ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      findAccount: async (_ctx: unknown, sub: string) => {
        const person = idp.people.get(sub);
        return person ? { accountId: sub, claims: async () => ({ sub, ...person }) } : undefined;
      },
    });
    const handle = provider.callback();
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!req.url?.startsWith('/interaction/')) return handle(req, res);
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        const { sub, amr, acr } = idp.next;
        const grant = new provider.Grant({ accountId: sub, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: sub, amr, ...(acr ? { acr } : {}) }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      })().catch((error: Error) => {
        res.statusCode = 500;
        res.end(`interaction failed: ${error.message}`);
      });
    });
    return idp;
  }

  /** A browser at the provider: follows its redirects, keeping its cookies, until it sends us back to Castellan. */
  async signIn(authorizationUrl: string): Promise<URL> {
    const jar = new Map<string, string>();
    let url = authorizationUrl;
    for (let hop = 0; hop < 10; hop += 1) {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const name = pair.slice(0, pair.indexOf('='));
        const value = pair.slice(pair.indexOf('=') + 1);
        if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
        else jar.set(name, value);
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) throw new Error(`the provider answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
      const next = new URL(location, url);
      if (next.href.startsWith(REDIRECT_URI)) return next;
      url = next.href;
    }
    throw new Error('too many redirects at the provider');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A kernel that shares the installation's database and keys but reads other settings. */
const withOidc = (kernel: Kernel, oidc: Kernel['config']['oidc']): Kernel => ({ ...kernel, config: { ...kernel.config, oidc } });

describe.each(testDialects)('single sign-on with OpenID Connect on %s', (dialect) => {
  let idp: TestProvider;
  let install: TestInstall;
  let app: App;

  beforeAll(async () => {
    idp = await TestProvider.start();
    install = await createTestInstall(dialect, {
      CASTELLAN_OIDC_ISSUER: idp.issuer,
      CASTELLAN_OIDC_CLIENT_ID: CLIENT_ID,
      CASTELLAN_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      CASTELLAN_OIDC_REDIRECT_URI: REDIRECT_URI,
      CASTELLAN_OIDC_SCOPES: 'openid email profile groups',
      CASTELLAN_OIDC_ROLE_MAPPING: JSON.stringify({ 'crm-agents': 'service_agent', 'crm-sales': ['sales_rep'], 'crm-marketing': ['marketing'] }),
      CASTELLAN_OIDC_JIT: 'true',
      CASTELLAN_OIDC_TEAM_CLAIM: 'department',
    });
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
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

  /** Start at Castellan, sign in at the provider, and come back: the callback's query and the state cookie. */
  async function roundTrip(target: App, sub: string, amr: string[], acr?: string): Promise<{ query: string; state: string; location: URL }> {
    idp.next = { sub, amr, ...(acr ? { acr } : {}) };
    const start = await target.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' });
    expect(start.statusCode).toBe(302);
    const location = new URL(String(start.headers.location));
    const stateCookie = start.cookies.find((c) => c.name === 'castellan_oidc_state');
    expect(stateCookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
    const back = await idp.signIn(location.href);
    return { query: back.search, state: String(stateCookie?.value), location };
  }

  const callback = (target: App, query: string, state?: string) =>
    target.inject({ method: 'GET', url: `/api/v1/auth/oidc/callback${query}`, ...(state ? { cookies: { castellan_oidc_state: state } } : {}) });

  async function signIn(target: App, sub: string, amr: string[], acr?: string) {
    const trip = await roundTrip(target, sub, amr, acr);
    return { trip, res: await callback(target, trip.query, trip.state) };
  }

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

  it('JIT-provisions a new user with the mapped role and team; an IdP second factor gives a full session', async () => {
    const sub = person({ groups: ['crm-agents', 'unrelated-group'], department: 'Care Desk' });
    const before = await userCount();
    const { res } = await signIn(app, sub, ['pwd', 'otp']);
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
    expect(identity).toMatchObject({ issuer: idp.issuer, user_id: profile.id });
    const audit = await lastAudit('auth.sso.succeeded');
    expect(JSON.parse(audit?.detail ?? '{}')).toMatchObject({ provisioned: true, idpMfa: true, sessionKind: 'full' });

    // The second sign-in finds the same account by (issuer, sub).
    const again = await signIn(app, sub, ['pwd', 'hwk']);
    expect((await me(String(sessionOf(again.res)))).json().id).toBe(profile.id);
    expect(await userCount()).toBe(before + 1);
  });

  it('counts the configured acr as multi-factor', async () => {
    const acrApp = await buildApp(
      withOidc(install.kernel, { ...(install.kernel.config.oidc as NonNullable<Kernel['config']['oidc']>), mfaAcr: 'urn:test:loa:2' }),
      { logger: false },
    );
    try {
      const { res } = await signIn(acrApp, person(), ['pwd'], 'urn:test:loa:2');
      expect(res.statusCode, res.body).toBe(302);
      expect((await me(String(sessionOf(res)))).json().session.kind).toBe('full');
    } finally {
      await acrApp.close();
    }
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
    const noJit = await buildApp(withOidc(install.kernel, { ...(install.kernel.config.oidc as NonNullable<Kernel['config']['oidc']>), jit: false }), {
      logger: false,
    });
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

  it('links an existing account by verified e-mail and applies the mapped roles only', async () => {
    const existing = await addUser(install.kernel, ['sales_rep', 'licensing_manager'], undefined, `linked.${dialect}@example.com`);
    const sub = person({ email: `Linked.${dialect}@EXAMPLE.com`, groups: ['crm-agents'] });
    const { res } = await signIn(app, sub, ['pwd', 'mfa']);
    expect(res.statusCode, res.body).toBe(302);
    const profile = (await me(String(sessionOf(res)))).json();
    expect(profile.id).toBe(existing.id);
    // sales_rep is managed by the mapping and no longer given; licensing_manager is not the mapping's business.
    expect([...profile.roles].sort()).toEqual(['licensing_manager', 'service_agent']);
    expect(JSON.parse((await lastAudit('user.updated'))?.detail ?? '{}')).toMatchObject({
      via: 'sso',
      rolesAdded: ['service_agent'],
      rolesRemoved: ['sales_rep'],
    });

    // A second IdP identity claiming the same e-mail cannot take the linked account over.
    const impostor = person({ email: `linked.${dialect}@example.com`, groups: ['crm-agents'] });
    const takeover = await signIn(app, impostor, ['pwd', 'mfa']);
    expect(takeover.res.statusCode).toBe(403);
    expect(JSON.parse((await lastAudit('auth.sso.refused'))?.detail ?? '{}')).toMatchObject({ reason: 'identity_conflict' });
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
    const logged = await buildApp(install.kernel, { logger: { ...(loggerOptions('trace') as object), stream } });
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
