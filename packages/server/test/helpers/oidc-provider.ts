/**
 * A real OpenID Connect provider (oidc-provider) for the SSO tests, on 127.0.0.1 and a random port,
 * and the browser steps around it. Its interaction step (log in, consent) signs in whoever the test
 * names next, with the authentication methods (amr) and level (acr) the test chooses.
 */
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import Provider from 'oidc-provider';
import type { Kernel } from '../../src/platform/kernel.js';

/** The people the test identity provider knows (its own accounts, not Castellan's). */
export interface Person {
  email: string;
  email_verified: boolean;
  name: string;
  groups: string[];
  department?: string;
}

export const CLIENT_ID = 'castellan-test';
export const CLIENT_SECRET = 'a client secret only the test knows';
export const REDIRECT_URI = 'https://castellan.test:8443/api/v1/auth/oidc/callback';

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 and a random port. Its interaction
 * step (log in, consent) is a tiny route that signs in whoever the test names next, with the
 * authentication methods (amr) the test chooses.
 */
export class TestProvider {
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

/** A kernel that shares the installation's database and keys but reads other SSO settings. */
export const withOidc = (kernel: Kernel, oidc: Partial<NonNullable<Kernel['config']['oidc']>> | null): Kernel => ({
  ...kernel,
  config: { ...kernel.config, oidc: oidc === null ? null : { ...(kernel.config.oidc as NonNullable<Kernel['config']['oidc']>), ...oidc } },
});

/** The SSO settings every SSO test installation uses (JIT on, amr not trusted: the defaults otherwise). */
export const ssoSettings = (issuer: string) => ({
  CASTELLAN_OIDC_ISSUER: issuer,
  CASTELLAN_OIDC_CLIENT_ID: CLIENT_ID,
  CASTELLAN_OIDC_CLIENT_SECRET: CLIENT_SECRET,
  CASTELLAN_OIDC_REDIRECT_URI: REDIRECT_URI,
  CASTELLAN_OIDC_SCOPES: 'openid email profile groups',
  CASTELLAN_OIDC_ROLE_MAPPING: JSON.stringify({ 'crm-agents': 'service_agent', 'crm-sales': ['sales_rep'], 'crm-marketing': ['marketing'] }),
  CASTELLAN_OIDC_JIT: 'true',
  CASTELLAN_OIDC_TEAM_CLAIM: 'department',
});

type App = FastifyInstance;

/** Start at Castellan, sign in at the provider, and come back: the callback's query and the state cookie. */
export async function roundTrip(
  idp: TestProvider,
  target: App,
  sub: string,
  amr: string[],
  acr?: string,
): Promise<{ query: string; state: string; location: URL }> {
  idp.next = { sub, amr, ...(acr ? { acr } : {}) };
  const start = await target.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' });
  if (start.statusCode !== 302) throw new Error(`/start answered ${start.statusCode}: ${start.body}`);
  const location = new URL(String(start.headers.location));
  const stateCookie = start.cookies.find((c) => c.name === 'castellan_oidc_state');
  if (!stateCookie?.httpOnly || !stateCookie.secure || stateCookie.sameSite !== 'Lax')
    throw new Error('the state cookie must be HttpOnly, Secure, SameSite=Lax');
  const back = await idp.signIn(location.href);
  return { query: back.search, state: stateCookie.value, location };
}

export const oidcCallback = (target: App, query: string, state?: string): Promise<LightMyRequestResponse> =>
  target.inject({ method: 'GET', url: `/api/v1/auth/oidc/callback${query}`, ...(state ? { cookies: { castellan_oidc_state: state } } : {}) });

/** The whole single sign-on: start, the provider, the callback. */
export async function ssoSignIn(idp: TestProvider, target: App, sub: string, amr: string[], acr?: string) {
  const trip = await roundTrip(idp, target, sub, amr, acr);
  return { trip, res: await oidcCallback(target, trip.query, trip.state) };
}

export const cookieValue = (res: LightMyRequestResponse, name: string): string | undefined => res.cookies.find((c) => c.name === name)?.value;
