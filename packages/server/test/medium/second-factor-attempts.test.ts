/**
 * Attacks on the second factor by guessing (SPEC 2.3: failed second-factor attempts are counted per
 * user by one atomic counter shared by sign-in, step-up and recovery codes). Before the fix the
 * challenge counter was read then written (parallel guesses all passed the limit of 5), step-up had
 * no count at all, and nothing carried over from one challenge to the next.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { secondFactorRule } from '../../src/platform/identity/throttle-rules.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { inLockStep } from '../helpers/lock-step.js';
import { SoftwarePasskey } from '../helpers/software-passkey.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { ADMIN_PASSWORD, addUser, type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode, wrongTotpCode } from '../helpers/totp-codes.js';
import { nextTotpStep, type TotpSessions } from '../helpers/totp-sessions.js';

describe.each(testDialects)('second-factor attempts on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let sessions: TotpSessions;
  let securityAdmin: Client;

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
    securityAdmin = await sessions.fullSession('admin@example.com', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
  });

  /** A user with TOTP enrolled and a full session. */
  async function enrolledUser() {
    const user = await addUser(install.kernel, ['service_agent'], 'Guessed');
    const client = await sessions.fullSession(user.email, USER_PASSWORD);
    return { user, client, secret: sessions.secrets.get(user.email) ?? '' };
  }

  const passwordStep = async (email: string): Promise<string> => {
    nextTotpStep();
    const login = await new Client(app).call('POST', '/api/v1/auth/login', { email, password: USER_PASSWORD });
    expect(login.json().mfaRequired, login.body).toBe(true);
    return login.json().challengeId;
  };
  /** Every request from its own address, so the per-address HTTP rate limit never answers in the throttle's place. */
  let address = 0;
  const freshAddress = () => {
    address += 1;
    return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
  };
  const mfa = (challengeId: string, code: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/mfa', payload: { challengeId, code }, remoteAddress: freshAddress() });
  const events = async (action: string, userId: string) =>
    (await install.kernel.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', action).where('resource_id', '=', userId).execute()).length;

  // On PostgreSQL the 20 requests are lined up at their write to the challenge (helpers/lock-step.ts):
  // all have read it before any may write. The old counter (read, check the code, write attempts + 1)
  // then checked all 20 codes (20 failure events); the claim (one conditional UPDATE) lets 5 through.
  // SQLite's driver is synchronous: there the in-process requests run one after another.
  it('checks at most 5 of 20 parallel wrong codes on one challenge; the right code is refused afterwards', async () => {
    const { user, secret } = await enrolledUser();
    const challengeId = await passwordStep(user.email);
    const wrong = wrongTotpCode(secret);
    const send = () => Promise.all(Array.from({ length: 20 }, () => mfa(challengeId, wrong)));
    const answers =
      dialect === 'postgres'
        ? // 10 writers: the kernel's pool has 10 connections; the other 10 requests queue for one.
          await inLockStep(install.env.CASTELLAN_DATABASE_URL ?? '', { table: 'mfa_challenges', where: 'id = $1', params: [challengeId] }, 10, send)
        : await send();
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(401));
    // Exactly five codes were looked at (each audited); the other fifteen found no attempt left.
    expect(await events('auth.mfa.failed', user.id)).toBe(5);
    const right = await mfa(challengeId, oathtoolCode(secret));
    expect(right.statusCode).toBe(401);
    expect(right.json().error.message).toMatch(/challenge is not valid/);
    const row = await install.kernel.db.kysely.selectFrom('mfa_challenges').select('attempts').where('id', '=', challengeId).executeTakeFirstOrThrow();
    expect(row.attempts).toBe(5);
  });

  it('stops parallel wrong step-up codes at the limit and then refuses even the right code with 429', async () => {
    const { user, client, secret } = await enrolledUser();
    const wrong = wrongTotpCode(secret);
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.call('POST', '/api/v1/auth/step-up', { code: wrong }, {}, freshAddress())));
    const statuses = answers.map((a) => a.statusCode).sort();
    // 5 free failures, the 6th sets a 1 s back-off: only 6 codes are checked, 14 are refused unchecked.
    const checked = secondFactorRule.freeFailures + 1;
    expect(statuses).toEqual([...Array(checked).fill(401), ...Array(20 - checked).fill(429)]);
    for (const refused of answers.filter((a) => a.statusCode === 429)) expect(refused.json().error.code).toBe('rate_limited');
    expect(await events('auth.mfa.throttled', user.id)).toBe(20 - checked);
    const right = await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(secret) }, {}, freshAddress());
    expect(right.statusCode).toBe(429);
    // Once the back-off lapses (1 s; the next TOTP step is 61 s on), the right code passes and clears the count.
    nextTotpStep();
    expect((await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(secret) }, {}, freshAddress())).statusCode).toBe(200);
    const counter = await install.kernel.db.kysely.selectFrom('login_throttle').selectAll().where('key', '=', `mfa:${user.id}`).executeTakeFirstOrThrow();
    expect(counter).toMatchObject({ consecutive: 0, locked_until: null });
  });

  it('keeps counting across challenges: a right password does not clear second-factor failures', async () => {
    const { user, secret } = await enrolledUser();
    const first = await passwordStep(user.email);
    for (let i = 0; i < 5; i++) expect((await mfa(first, wrongTotpCode(secret, i))).statusCode).toBe(401);
    // The right password again: a new challenge, but the user's failures stay.
    const second = await passwordStep(user.email);
    expect((await mfa(second, wrongTotpCode(secret))).statusCode).toBe(401);
    const refused = await mfa(second, oathtoolCode(secret));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect(await events('auth.mfa.throttled', user.id)).toBe(1);
    vi.setSystemTime(new Date(Date.now() + 1_000));
    expect((await mfa(second, oathtoolCode(secret))).statusCode).toBe(200);
  });

  it('shares one counter between TOTP codes, recovery codes and passkeys, at sign-in and at step-up', async () => {
    const { user, client, secret } = await enrolledUser();
    // Register a passkey (needs a fresh factor: the session has one from sign-in).
    const passkey = new SoftwarePasskey();
    const options = await client.call('POST', '/api/v1/me/mfa/webauthn/options');
    expect(options.statusCode, options.body).toBe(200);
    const registered = await client.call('POST', '/api/v1/me/mfa/webauthn', { response: passkey.register(options.json()) });
    expect(registered.statusCode, registered.body).toBe(200);

    // Two tampered passkey assertions at step-up …
    for (let i = 0; i < 2; i++) {
      const stepUpOptions = await client.call('POST', '/api/v1/auth/step-up/webauthn/options');
      expect((await client.call('POST', '/api/v1/auth/step-up/webauthn', { response: passkey.assert(stepUpOptions.json(), true) })).statusCode).toBe(401);
    }
    // … two wrong recovery codes at step-up, one tampered passkey assertion at sign-in, one wrong TOTP code at sign-in …
    for (const code of ['aaaaa-bbbbb', 'ccccc-ddddd'])
      expect((await client.call('POST', '/api/v1/auth/step-up', { code }, {}, freshAddress())).statusCode).toBe(401);
    const challengeId = await passwordStep(user.email);
    const signInOptions = await app.inject({ method: 'POST', url: '/api/v1/auth/mfa/webauthn/options', payload: { challengeId } });
    const tampered = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/webauthn',
      payload: { challengeId, response: passkey.assert(signInOptions.json(), true) },
    });
    expect(tampered.statusCode).toBe(401);
    expect((await mfa(challengeId, wrongTotpCode(secret))).statusCode).toBe(401);
    // … six failures in all: the right passkey is now refused unchecked.
    const retry = await app.inject({ method: 'POST', url: '/api/v1/auth/mfa/webauthn/options', payload: { challengeId } });
    const right = await app.inject({ method: 'POST', url: '/api/v1/auth/mfa/webauthn', payload: { challengeId, response: passkey.assert(retry.json()) } });
    expect(right.statusCode).toBe(429);
  });

  it('locks the second factor for the rest of the hour at 10 failures; the security admin sees and lifts it', async () => {
    const { user, client, secret } = await enrolledUser();
    for (let i = 0; i < secondFactorRule.hourlyCap; i++) {
      vi.setSystemTime(new Date(Date.now() + 20_000)); // past any back-off so far
      const res = await client.call('POST', '/api/v1/auth/step-up', { code: wrongTotpCode(secret, i) }, {}, freshAddress());
      expect(res.statusCode, `failure ${i + 1}`).toBe(401);
    }
    vi.setSystemTime(new Date(Date.now() + 20 * 60_000)); // longer than the longest back-off: the hourly lock still holds
    nextTotpStep();
    expect((await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(secret) }, {}, freshAddress())).statusCode).toBe(429);

    // The security admin lists and lifts it (needs a session that is not idle: sign in again).
    securityAdmin = await sessions.fullSession('admin@example.com', ADMIN_PASSWORD);
    const locks = (await securityAdmin.call('GET', '/api/v1/security/lockouts')).json().items;
    expect(locks).toContainEqual(expect.objectContaining({ key: 'second_factor', userId: user.id, failuresThisHour: secondFactorRule.hourlyCap }));
    expect((await securityAdmin.call('POST', '/api/v1/security/lockouts/unlock', { userId: user.id })).statusCode).toBe(204);
    expect(await events('auth.unlocked', user.id)).toBe(1);
    const fresh = await sessions.fullSession(user.email, USER_PASSWORD);
    nextTotpStep();
    expect((await fresh.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(secret) }, {}, freshAddress())).statusCode).toBe(200);
  });
});
