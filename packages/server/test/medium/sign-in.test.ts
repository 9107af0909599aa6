import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { SESSION_COOKIE } from '../../src/http/session-cookies.js';
import { addressThrottleKey } from '../../src/platform/identity/sign-in.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/** Every argon2 verification and hash the code under test runs (passed through to the real library). */
const argon2 = vi.hoisted(() => ({ verifications: [] as { hash: string; result: Promise<boolean> }[], hashes: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...actual,
    verify: (...args: Parameters<typeof actual.verify>) => {
      const result = actual.verify(...args);
      argon2.verifications.push({ hash: String(args[0]), result });
      return result;
    },
    hash: (...args: Parameters<typeof actual.hash>) => {
      argon2.hashes += 1;
      return actual.hash(...args);
    },
  };
});

describe.each(testDialects)('sign-in, MFA and sessions on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let agent: TestUser;
  let secret: string;
  let recoveryCodes: string[];
  let contactId: string;

  /** TOTP codes are usable once per 30 s step: move the clock on before each use. */
  const nextStep = () => vi.setSystemTime(new Date(Date.now() + 61_000));

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    agent = await addUser(install.kernel, ['service_agent'], 'Care Desk', 'agent@example.com');
    const manager = await addUser(install.kernel, ['sales_manager'], 'Care Desk');
    const token = await tokenFor(install.kernel, manager);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: '赵敏', phone: '13812345678', idNumber: '110101199001011234', email: 'zhao.min@example.com' },
    });
    contactId = created.json().id;
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  async function signInWithTotp(client: Client, advanceClock = true) {
    if (advanceClock) nextStep();
    const first = await client.call('POST', '/api/v1/auth/login', { email: agent.email, password: USER_PASSWORD });
    expect(first.statusCode).toBe(200);
    expect(first.json().mfaRequired).toBe(true);
    return client.call('POST', '/api/v1/auth/mfa', { challengeId: first.json().challengeId, code: oathtoolCode(secret) });
  }

  it('sends a user without a second factor to enrolment, then gives a full session with a new token', async () => {
    const client = new Client(app);
    const login = await client.call('POST', '/api/v1/auth/login', { email: 'AGENT@example.com', password: USER_PASSWORD });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ sessionKind: 'restricted', mfaEnrolmentRequired: true });
    // __Host- cookie: Secure, Path=/, no Domain (browsers refuse it otherwise); the CSRF cookie likewise.
    expect(SESSION_COOKIE).toBe('__Host-castellan_session');
    const sessionCookie = login.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(sessionCookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(sessionCookie?.domain).toBeUndefined();
    const csrfCookie = login.cookies.find((c) => c.name === 'csrf_token');
    expect(csrfCookie).toMatchObject({ secure: true, sameSite: 'Strict', path: '/' });
    expect(csrfCookie?.domain).toBeUndefined();
    expect(csrfCookie?.httpOnly).toBeFalsy();
    const enrolmentToken = client.cookies.get(SESSION_COOKIE);

    expect((await client.call('GET', '/api/v1/contacts')).statusCode).toBe(403);
    expect((await client.call('GET', '/api/v1/me')).json()).toMatchObject({ email: 'agent@example.com', mfaEnrolled: false, roles: ['service_agent'] });

    const start = await client.call('POST', '/api/v1/me/mfa/totp');
    expect(start.statusCode).toBe(200);
    secret = start.json().secret;
    expect(start.json().otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(start.json().qrSvg).toMatch(/^<svg/);
    expect((await client.call('POST', '/api/v1/me/mfa/totp/confirm', { code: '000000' })).statusCode).toBe(401);
    const confirm = await client.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(secret) });
    expect(confirm.statusCode).toBe(200);
    recoveryCodes = confirm.json().recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(client.cookies.get(SESSION_COOKIE)).not.toBe(enrolmentToken);
    expect((await client.call('GET', '/api/v1/contacts')).statusCode).toBe(200);

    const old = new Client(app);
    old.cookies.set(SESSION_COOKIE, enrolmentToken ?? '');
    expect((await old.call('GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('accepts an oathtool code once and refuses the same code again', async () => {
    const first = await signInWithTotp(new Client(app));
    expect(first.statusCode).toBe(200);
    const replay = await signInWithTotp(new Client(app), false);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('unauthenticated');
  });

  it('accepts each recovery code once', async () => {
    const login = async () => {
      const client = new Client(app);
      const first = await client.call('POST', '/api/v1/auth/login', { email: agent.email, password: USER_PASSWORD });
      return client.call('POST', '/api/v1/auth/mfa', { challengeId: first.json().challengeId, code: recoveryCodes[0] });
    };
    expect((await login()).statusCode).toBe(200);
    expect((await login()).statusCode).toBe(401);
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const client = new Client(app);
    expect((await signInWithTotp(client)).statusCode).toBe(200);
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const body = { fields: ['phone'], reason: 'complaint' };
    const noHeader = await app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/reveal`, headers: { cookie }, payload: body });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe('csrf_invalid'); // every write route: csrf.test.ts
    const wrong = await app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${contactId}/reveal`,
      headers: { cookie, 'x-csrf-token': 'x'.repeat(43) },
      payload: body,
    });
    expect(wrong.statusCode).toBe(403);
    expect((await client.call('GET', `/api/v1/contacts/${contactId}`)).json().phone).toBe('1******5678');

    // Masked, then revealed with a reason right after the second factor; audited with the reason.
    const noReason = await client.call('POST', `/api/v1/contacts/${contactId}/reveal`, { fields: ['phone'] });
    expect(noReason.statusCode).toBe(400);
    const revealed = await client.call('POST', `/api/v1/contacts/${contactId}/reveal`, body);
    expect(revealed.statusCode).toBe(200);
    expect(revealed.json().values).toEqual({ phone: '13812345678' });
    const event = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'personal_data.reveal')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(event.actor_id).toBe(agent.id);
    expect(JSON.parse(String(event.detail)).reason).toBe(body.reason);
    expect(event.detail).not.toContain('13812345678');

    // Step-up goes stale after 5 minutes: reveal is refused until a fresh code is given.
    const sessionId = (await client.call('GET', '/api/v1/me')).json().session.id;
    await install.kernel.db.kysely
      .updateTable('sessions')
      .set({ mfa_at: new Date(Date.now() - 6 * 60_000).toISOString() })
      .where('id', '=', sessionId)
      .execute();
    const stale = await client.call('POST', `/api/v1/contacts/${contactId}/reveal`, body);
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe('step_up_required');
    nextStep();
    expect((await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(secret) })).statusCode).toBe(200);
    expect((await client.call('POST', `/api/v1/contacts/${contactId}/reveal`, body)).statusCode).toBe(200);
  });

  it('refuses reveal through an API token (no second factor) and a field the role cannot see', async () => {
    const token = await tokenFor(install.kernel, agent);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${contactId}/reveal`,
      headers: { authorization: `Bearer ${token}` },
      payload: { fields: ['idNumber'], reason: 'caller_verification' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('step_up_required');
    // jobTitle is hidden for a service agent: refused before any step-up is even considered.
    const hidden = await app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${contactId}/reveal`,
      headers: { authorization: `Bearer ${token}` },
      payload: { fields: ['jobTitle'], reason: 'caller_verification' },
    });
    expect(hidden.statusCode).toBe(403);
    expect(hidden.json().error).toMatchObject({ code: 'forbidden', message: 'you may not see jobTitle' });
  });

  it('signs out, lists and revokes sessions, and ends idle or expired sessions', async () => {
    const a = new Client(app);
    const b = new Client(app);
    expect((await signInWithTotp(a)).statusCode).toBe(200);
    expect((await signInWithTotp(b)).statusCode).toBe(200);
    const sessions = (await a.call('GET', '/api/v1/me/sessions')).json().items;
    const other = sessions.find((s: { current: boolean }) => !s.current);
    expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect((await a.call('DELETE', `/api/v1/me/sessions/${other.id}`)).statusCode).toBe(204);
    expect((await b.call('GET', '/api/v1/me')).statusCode).toBe(401);

    const bId = (await a.call('GET', '/api/v1/me')).json().session.id;
    await install.kernel.db.kysely
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000).toISOString() })
      .where('id', '=', bId)
      .execute();
    expect((await a.call('GET', '/api/v1/me')).statusCode).toBe(401);

    const c = new Client(app);
    expect((await signInWithTotp(c)).statusCode).toBe(200);
    expect((await c.call('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await c.call('GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('checks only 6 of 20 parallel wrong passwords for one account; the rest are refused unchecked', async () => {
    // Attack: a burst of guesses at once. Checked first and counted afterwards, all 20 were checked
    // (each saw no lock yet); claimed before the check, 5 free + 1 that sets the first back-off.
    const target = await addUser(install.kernel, ['sales_rep'], 'Team P');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: target.email, password: `parallel guess ${i}` },
          remoteAddress: `203.0.113.${i + 1}`,
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([...Array(6).fill(401), ...Array(14).fill(429)]);
    const failed = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'auth.login.failed')
      .where('resource_id', '=', target.id)
      .execute();
    expect(failed).toHaveLength(6);
    // Even the right password waits for the back-off to lapse.
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: target.email, password: USER_PASSWORD } })).statusCode).toBe(429);
    vi.setSystemTime(new Date(Date.now() + 1_000));
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: target.email, password: USER_PASSWORD } })).statusCode).toBe(200);
  });

  it('checks only 6 of 20 parallel wrong current passwords from a session changing the password', async () => {
    const client = new Client(app);
    expect((await signInWithTotp(client)).statusCode).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.call('POST', '/api/v1/me/password', { currentPassword: `guess ${i}`, newPassword: 'velvet harbour stone 42' }, {}, `203.0.113.${100 + i}`),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([...Array(6).fill(401), ...Array(14).fill(429)]);
    await install.kernel.db.kysely.deleteFrom('login_throttle').where('key', '=', `pwchange:${agent.id}`).execute();
  });

  it('makes a one-time password be changed, then a second factor be enrolled, before anything else', async () => {
    const { createUser } = await import('../../src/platform/identity/user-directory.js');
    const { asSystem } = await import('../../src/platform/data/as-system.js');
    const { noRequest } = await import('../../src/platform/audit/audit-event.js');
    const otp = 'Temporary9Pass4Word7';
    await install.kernel.transaction((tx) =>
      createUser(install.kernel, tx, asSystem('test fixture'), noRequest, {
        email: 'newbie@example.com',
        name: 'New Hire',
        roles: ['sales_rep'],
        teamName: 'Team N',
        password: otp,
        mustChangePassword: true,
      }),
    );
    const client = new Client(app);
    const login = await client.call('POST', '/api/v1/auth/login', { email: 'newbie@example.com', password: otp });
    expect(login.json()).toMatchObject({ sessionKind: 'restricted', passwordChangeRequired: true, mfaEnrolmentRequired: true });
    expect((await client.call('GET', '/api/v1/contacts')).statusCode).toBe(403);
    expect((await client.call('POST', '/api/v1/me/password', { currentPassword: 'wrong one', newPassword: 'velvet harbour stone 42' })).statusCode).toBe(401);
    const weak = await client.call('POST', '/api/v1/me/password', { currentPassword: otp, newPassword: 'password1234' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.details).toContain('common');
    const changed = await client.call('POST', '/api/v1/me/password', { currentPassword: otp, newPassword: 'velvet harbour stone 42' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().sessionKind).toBe('restricted');
    const start = await client.call('POST', '/api/v1/me/mfa/totp');
    nextStep();
    const confirm = await client.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(start.json().secret) });
    expect(confirm.json().sessionKind).toBe('full');
    expect((await client.call('GET', '/api/v1/contacts')).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'newbie@example.com', password: otp } })).statusCode).toBe(401);
  });

  it('answers an unknown e-mail and a wrong password identically, then throttles', async () => {
    const attempt = async (email: string, password: string) => {
      const from = argon2.verifications.length;
      const hashesFrom = argon2.hashes;
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
      return { res, verifications: argon2.verifications.slice(from), hashes: argon2.hashes - hashesFrom };
    };
    const unknownRun = await attempt('nobody@example.com', 'whatever password 1');
    const wrongRun = await attempt(agent.email, 'not the password 0');
    const { res: unknown } = unknownRun;
    const { res: wrong } = wrongRun;
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const strip = (b: { error: { requestId?: string } }) => ({ ...b, error: { ...b.error, requestId: undefined } });
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    // The same work, counted rather than timed: exactly one argon2id verification each and no hashing,
    // the unknown address against a stand-in hash with the real hashes' parameters and lengths, run to
    // completion (a malformed stand-in would fail at once, and that failure would be as fast as no work).
    for (const run of [unknownRun, wrongRun]) {
      expect(run.verifications).toHaveLength(1);
      expect(run.hashes).toBe(0);
    }
    const standIn = unknownRun.verifications[0] ?? expect.fail('no verification');
    const real = wrongRun.verifications[0] ?? expect.fail('no verification');
    const shape = (hash: string) => {
      const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
      return m && { memory: m[1], time: m[2], lanes: m[3], saltLength: m[4]?.length, hashLength: m[5]?.length };
    };
    expect(shape(standIn.hash)).not.toBeNull();
    expect(shape(standIn.hash)).toEqual(shape(real.hash));
    expect(standIn.hash).not.toBe(real.hash);
    await expect(standIn.result).resolves.toBe(false);
    await expect(real.result).resolves.toBe(false);

    // Each attempt below comes from its own address, so the per-address throttle (20 failures) never
    // trips: every 429 is the per-account throttle's, for a known and for an unknown address alike.
    let address = 0;
    const sevenWrong = async (email: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        address += 1;
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password: `wrong password ${i}` },
          remoteAddress: `198.51.100.${address}`,
        });
        statuses.push(res.statusCode);
      }
      return statuses;
    };
    const victim = await addUser(install.kernel, ['sales_rep'], 'Team T');
    expect(await sevenWrong(victim.email)).toEqual([401, 401, 401, 401, 401, 401, 429]);
    expect(await sevenWrong('ghost@example.com')).toEqual([401, 401, 401, 401, 401, 401, 429]);
    // Each address is counted under its keyed pseudonym, never under the address itself.
    const addressKeys = Array.from({ length: 14 }, (_, i) => addressThrottleKey(install.kernel, `198.51.100.${i + 1}`));
    expect(new Set(addressKeys).size).toBe(14);
    const addressLocks = await install.kernel.db.kysely
      .selectFrom('login_throttle')
      .select(['key', 'failures', 'locked_until'])
      .where('key', 'in', addressKeys)
      .execute();
    expect(await install.kernel.db.kysely.selectFrom('login_throttle').select('key').where('key', 'like', '%198.51.100.%').execute()).toEqual([]);
    // One attempt each (the 7th attempts too: claimed on the address, then refused by the account's lock).
    expect(addressLocks).toHaveLength(14);
    for (const lock of addressLocks) expect(lock).toMatchObject({ failures: 1, locked_until: null });
    const failures = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome'])
      .where('action', 'in', ['auth.login.failed', 'auth.login.throttled'])
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(12);
  });
});
