/**
 * End-to-end (SPEC 2.3): a passkey registers and signs in through Chromium's virtual authenticator
 * (playwright-core + the Chrome DevTools Protocol), against the real, built HTTPS server as a child
 * process. Everything the browser does runs inside the page (fetch with the session cookie and the
 * CSRF header, navigator.credentials.create/get), as the web UI would.
 *
 * Needs Debian's Chromium at /usr/bin/chromium (CI installs it: .ci/run) and `npm run build`.
 * Runs on SQLite, or on PostgreSQL with CASTELLAN_TEST_DB=postgres (and CASTELLAN_TEST_PG_URL).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { type Browser, type CDPSession, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../helpers/databases.js';
import { assertBuilt, E2E_USER_PASSWORD, type E2eInstall, initInstall, type ServerProcess } from '../helpers/server-process.js';

const CHROMIUM = '/usr/bin/chromium';
const USER_EMAIL = 'pat.key@castellan-e2e.test';

interface PageResponse {
  status: number;
  body: any;
}

type Json = Record<string, unknown>;

/**
 * Installed once in the page as `window.castellan`: API calls (same-origin cookies, X-CSRF-Token from
 * the csrf_token cookie) and the WebAuthn ceremonies, with base64url <-> ArrayBuffer conversions.
 */
const PAGE_HELPERS = `
window.castellan = (() => {
  const toBuffer = (value) => {
    const base64 = value.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (value.length % 4)) % 4);
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  };
  const toBase64url = (buffer) => {
    let binary = '';
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  };
  const csrfToken = () => (document.cookie.match(/(?:^|;\\s*)csrf_token=([^;]+)/) || [])[1];

  async function call(method, url, body) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = csrfToken();
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const response = await fetch(url, { method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = { raw: text }; }
    return { status: response.status, body: json };
  }

  const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBuffer(c.id) }));

  async function create(options) {
    const publicKey = { ...options, challenge: toBuffer(options.challenge), user: { ...options.user, id: toBuffer(options.user.id) }, excludeCredentials: descriptors(options.excludeCredentials) };
    try {
      const credential = await navigator.credentials.create({ publicKey });
      const r = credential.response;
      return {
        ok: true,
        credential: {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          authenticatorAttachment: credential.authenticatorAttachment || undefined,
          clientExtensionResults: credential.getClientExtensionResults(),
          response: {
            clientDataJSON: toBase64url(r.clientDataJSON),
            attestationObject: toBase64url(r.attestationObject),
            transports: typeof r.getTransports === 'function' ? r.getTransports() : [],
          },
        },
      };
    } catch (error) {
      return { ok: false, error: error.name + ': ' + error.message };
    }
  }

  async function get(options) {
    const publicKey = { ...options, challenge: toBuffer(options.challenge), allowCredentials: descriptors(options.allowCredentials) };
    try {
      const credential = await navigator.credentials.get({ publicKey });
      const r = credential.response;
      return {
        ok: true,
        credential: {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          authenticatorAttachment: credential.authenticatorAttachment || undefined,
          clientExtensionResults: credential.getClientExtensionResults(),
          response: {
            clientDataJSON: toBase64url(r.clientDataJSON),
            authenticatorData: toBase64url(r.authenticatorData),
            signature: toBase64url(r.signature),
            userHandle: r.userHandle ? toBase64url(r.userHandle) : undefined,
          },
        },
      };
    } catch (error) {
      return { ok: false, error: error.name + ': ' + error.message };
    }
  }

  return { call, create, get };
})();
`;

declare global {
  interface Window {
    castellan: {
      call(method: string, url: string, body?: unknown): Promise<PageResponse>;
      create(options: Json): Promise<{ ok: true; credential: Json } | { ok: false; error: string }>;
      get(options: Json): Promise<{ ok: true; credential: Json } | { ok: false; error: string }>;
    };
  }
}

/** Flips one bit in the middle of the assertion's signature (base64url). */
function tamperSignature(credential: Json): Json {
  const response = credential.response as Json;
  const signature = Buffer.from(String(response.signature), 'base64url');
  const at = Math.floor(signature.length / 2);
  signature[at] = (signature[at] ?? 0) ^ 0x01;
  return { ...credential, response: { ...response, signature: signature.toString('base64url') } };
}

describe(`passkeys through Chromium's virtual authenticator on ${e2eDialect}`, () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  /** https://localhost:<port>: WebAuthn needs a domain name (not 127.0.0.1) in a secure context. */
  let origin: string;

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<PageResponse> =>
    page.evaluate(([m, u, b]) => window.castellan.call(m as string, u as string, b), [method, url, body] as const);
  const create = (options: Json) => page.evaluate((o) => window.castellan.create(o), options);
  const get = (options: Json) => page.evaluate((o) => window.castellan.get(o), options);

  async function assertion(options: Json): Promise<Json> {
    const result = await get(options);
    if (!result.ok) throw new Error(`navigator.credentials.get failed: ${result.error}`);
    return result.credential;
  }

  async function passwordStep(): Promise<string> {
    const login = await call('POST', '/api/v1/auth/login', { email: USER_EMAIL, password: E2E_USER_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ mfaRequired: true, challengeId: expect.any(String) });
    return login.body.challengeId;
  }

  async function signInOptions(challengeId: string): Promise<Json> {
    const options = await call('POST', '/api/v1/auth/mfa/webauthn/options', { challengeId });
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    return options.body;
  }

  /** Audit events of the install's database (read directly, as an auditor would). */
  async function auditEvents(): Promise<{ action: string; outcome: string; detail: string | null }[]> {
    const sql = "SELECT action, outcome, detail FROM audit_events WHERE action LIKE 'auth.%' ORDER BY seq";
    if (install.dialect === 'postgres') {
      const client = new pg.Client({ connectionString: install.env.CASTELLAN_DATABASE_URL });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    }
    const db = new Sqlite(path.join(install.dataDir, 'castellan.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as { action: string; outcome: string; detail: string | null }[];
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    assertBuilt();
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does it) — this test drives a real browser`);
    }
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(USER_EMAIL, 'Pat Key', ['service_agent'], 'Care Desk');
    server = await install.startServer();
    origin = server.url.replace('://127.0.0.1:', '://localhost:');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--ignore-certificate-errors',
        '--host-resolver-rules=MAP localhost 127.0.0.1',
      ],
    });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    page = await context.newPage();
    const landing = await page.goto(`${origin}/`);
    expect(landing?.status()).toBeLessThan(500);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await page.evaluate(PAGE_HELPERS);

    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const added = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    authenticatorId = added.authenticatorId;
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await install?.cleanup();
  });

  let credentialId: string;
  let recoveryCodes: string[];

  it('registers a passkey from the enrolment session, which becomes a full session with a new token', async () => {
    const login = await call('POST', '/api/v1/auth/login', { email: USER_EMAIL, password: E2E_USER_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ sessionKind: 'restricted', mfaEnrolmentRequired: true });
    expect((await call('GET', '/api/v1/contacts')).status).toBe(403);
    expect((await call('GET', '/api/v1/me')).body).toMatchObject({ email: USER_EMAIL, mfaEnrolled: false, session: { kind: 'restricted' } });
    const enrolmentSession = (await call('GET', '/api/v1/me')).body.session.id;

    // Without a registration challenge, an answer is refused.
    expect((await call('POST', '/api/v1/me/mfa/webauthn', { response: { id: 'x' } })).status).toBe(409);

    const options = await call('POST', '/api/v1/me/mfa/webauthn/options');
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    expect(options.body).toMatchObject({
      rp: { id: 'localhost', name: 'Castellan' },
      user: { name: USER_EMAIL },
      attestation: 'none',
      authenticatorSelection: { userVerification: 'preferred' },
      excludeCredentials: [],
    });

    const created = await create(options.body);
    if (!created.ok) throw new Error(`navigator.credentials.create failed: ${created.error}`);
    credentialId = String(created.credential.id);

    const registered = await call('POST', '/api/v1/me/mfa/webauthn', { response: created.credential, name: 'Virtual key' });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    expect(registered.body).toMatchObject({ sessionKind: 'full', passkey: { id: credentialId, name: 'Virtual key', transports: ['internal'] } });
    expect(registered.body.recoveryCodes).toHaveLength(10);
    recoveryCodes = registered.body.recoveryCodes;

    const me = await call('GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ mfaEnrolled: true, session: { kind: 'full' } });
    expect(me.body.session.id).not.toBe(enrolmentSession);
    expect((await call('GET', '/api/v1/contacts')).status).toBe(200);

    const listed = await call('GET', '/api/v1/me/mfa/webauthn');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: credentialId, name: 'Virtual key', lastUsedAt: null })]);
    const held = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(held.credentials.map((c) => Buffer.from(c.credentialId, 'base64').toString('base64url'))).toEqual([credentialId]);
  });

  it('does not register the same authenticator twice (excludeCredentials), and keeps the last second factor', async () => {
    const options = await call('POST', '/api/v1/me/mfa/webauthn/options');
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    expect(options.body.excludeCredentials).toEqual([expect.objectContaining({ id: credentialId })]);
    const again = await create(options.body);
    expect(again.ok).toBe(false);
    expect(again.ok ? '' : again.error).toMatch(/InvalidStateError/);

    const removal = await call('DELETE', `/api/v1/me/mfa/webauthn/${credentialId}`);
    expect(removal.status).toBe(409);
    expect(removal.body.error.code).toBe('conflict');
  });

  it('asks for the passkey at the next sign-in and accepts its assertion', async () => {
    expect((await call('POST', '/api/v1/auth/logout')).status).toBe(204);
    expect((await call('GET', '/api/v1/me')).status).toBe(401);

    const challengeId = await passwordStep();
    expect((await call('GET', '/api/v1/me')).status).toBe(401);
    const options = await signInOptions(challengeId);
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'preferred', allowCredentials: [expect.objectContaining({ id: credentialId })] });
    const before = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0]?.signCount ?? 0;

    const signedIn = await call('POST', '/api/v1/auth/mfa/webauthn', { challengeId, response: await assertion(options) });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body).toMatchObject({ sessionKind: 'full', mfaEnrolmentRequired: false, passwordChangeRequired: false });
    expect((await call('GET', '/api/v1/me')).body).toMatchObject({ email: USER_EMAIL, session: { kind: 'full', stepUpValid: true } });
    expect((await call('GET', '/api/v1/contacts')).status).toBe(200);

    const after = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0]?.signCount ?? 0;
    expect(after).toBeGreaterThan(before);
    expect((await call('GET', '/api/v1/me/mfa/webauthn')).body.items[0].lastUsedAt).toEqual(expect.any(String));
  });

  it('refuses a tampered assertion with 401, and its challenge cannot be used again', async () => {
    expect((await call('POST', '/api/v1/auth/logout')).status).toBe(204);
    const challengeId = await passwordStep();
    const genuine = await assertion(await signInOptions(challengeId));

    const tampered = await call('POST', '/api/v1/auth/mfa/webauthn', { challengeId, response: tamperSignature(genuine) });
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.code).toBe('unauthenticated');
    expect((await call('GET', '/api/v1/me')).status).toBe(401);

    // The untampered assertion for the same (now consumed) WebAuthn challenge is refused too.
    const reused = await call('POST', '/api/v1/auth/mfa/webauthn', { challengeId, response: genuine });
    expect(reused.status).toBe(401);
    expect((await call('GET', '/api/v1/me')).status).toBe(401);

    // Fresh options for the same sign-in challenge: a new assertion passes, once.
    const fresh = await assertion(await signInOptions(challengeId));
    const signedIn = await call('POST', '/api/v1/auth/mfa/webauthn', { challengeId, response: fresh });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect((await call('GET', '/api/v1/me')).status).toBe(200);
    const replayed = await call('POST', '/api/v1/auth/mfa/webauthn', { challengeId, response: fresh });
    expect(replayed.status).toBe(401);
    expect((await call('POST', '/api/v1/auth/mfa/webauthn/options', { challengeId })).status).toBe(401);

    const failures = (await auditEvents()).filter((e) => e.action === 'auth.passkey.failed');
    // The tampered signature, then the reuse of its challenge.
    expect(failures.slice(-2).map((e) => JSON.parse(e.detail ?? '{}').reason)).toEqual(['invalid_signature', 'no_pending_challenge']);
    expect(failures.every((e) => e.outcome === 'failure')).toBe(true);
  });

  it('gives a fresh step-up with the passkey', async () => {
    const options = await call('POST', '/api/v1/auth/step-up/webauthn/options');
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    const response = await assertion(options.body);
    const tampered = await call('POST', '/api/v1/auth/step-up/webauthn', { response: tamperSignature(response) });
    expect(tampered.status).toBe(401);
    const again = await assertion((await call('POST', '/api/v1/auth/step-up/webauthn/options')).body);
    const stepUp = await call('POST', '/api/v1/auth/step-up/webauthn', { response: again });
    expect(stepUp.status, JSON.stringify(stepUp.body)).toBe(200);
    expect(Date.parse(stepUp.body.validUntil)).toBeGreaterThan(Date.now());

    const events = await auditEvents();
    expect(events.filter((e) => e.action === 'auth.passkey.registered')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'auth.login.succeeded' && JSON.parse(e.detail ?? '{}').mfa === 'passkey')).toHaveLength(2);
    expect(events.filter((e) => e.action === 'auth.step_up').map((e) => e.outcome)).toEqual(['failure', 'success']);
  });

  it('lets a passkey-only user sign in with a recovery code from the registration, once', async () => {
    expect((await call('POST', '/api/v1/auth/logout')).status).toBe(204);
    const challengeId = await passwordStep();
    const signedIn = await call('POST', '/api/v1/auth/mfa', { challengeId, code: recoveryCodes[0] });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body.sessionKind).toBe('full');
    expect((await call('POST', '/api/v1/auth/logout')).status).toBe(204);
    const again = await call('POST', '/api/v1/auth/mfa', { challengeId: await passwordStep(), code: recoveryCodes[0] });
    expect(again.status).toBe(401);
  });
});
