import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';

/** The recipient of every password-reset e-mail handed to the mailer (which still sends it over SMTP). */
const sends = vi.hoisted(() => [] as string[]);
vi.mock('../../src/platform/notify/mailer.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/platform/notify/mailer.js')>();
  return {
    ...actual,
    createMailer: (...args: Parameters<typeof actual.createMailer>) => {
      const mailer = actual.createMailer(...args);
      return {
        configured: mailer.configured,
        send: (to: string, subject: string, text: string) => {
          if (/password reset/i.test(subject)) sends.push(to);
          return mailer.send(to, subject, text);
        },
      };
    },
  };
});

interface Mail {
  to: string[];
  body: string;
}

describe.each(testDialects)('password reset by e-mail (real SMTP on loopback) on %s', (dialect) => {
  let install: TestInstall;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let smtp: SMTPServer;
  let user: TestUser;
  let secret: string;
  const inbox: Mail[] = [];

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let body = '';
        stream.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        stream.on('end', () => {
          // Only reset mails: the second-factor notice sent when the user enrols is not what these tests read.
          if (body.replace(/=\r?\n/g, '').includes('reset-password')) inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    install = await createTestInstall(dialect, { CASTELLAN_SMTP_URL: `smtp://127.0.0.1:${port}`, CASTELLAN_PUBLIC_URL: 'https://crm.example.com' });
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    user = await addUser(install.kernel, ['sales_manager'], 'Reset Team', 'forgetful@example.com');
    const client = new Client(app);
    await client.call('POST', '/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    secret = (await client.call('POST', '/api/v1/me/mfa/totp')).json().secret;
    expect((await client.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(secret) })).statusCode).toBe(200);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  /** The reset token from a (possibly quoted-printable) message body. */
  const tokenIn = (mail: Mail | undefined) => /#token=([A-Za-z0-9_-]+)/.exec((mail?.body ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '='))?.[1] ?? '';

  const waitForMail = async (count: number) => {
    for (let i = 0; i < 100 && inbox.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    return inbox;
  };

  it('answers the same for a known and an unknown address, and mails only the known one', async () => {
    // The unknown address first: whatever mail it caused would be handed to the mailer before the
    // known one's (both are dispatched in order after their responses), so once the known mail has
    // arrived, every send the unknown request could cause has been recorded. No sleep, no guess.
    const sendsBefore = sends.length;
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'stranger@example.com' } });
    const known = await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'Forgetful@example.com' } });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    const mails = await waitForMail(1);
    expect(sends.slice(sendsBefore)).toEqual(['forgetful@example.com']);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(['forgetful@example.com']);
    expect(tokenIn(mails[0]).length).toBeGreaterThan(20);
    expect(mails[0]?.body.replace(/=\r?\n/g, '')).toContain('https://crm.example.com/reset-password#token');
  });

  it('sets a new password once, ends every session, and still asks for the second factor', async () => {
    const session = new Client(app);
    const login = await session.call('POST', '/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    vi.setSystemTime(new Date(Date.now() + 61_000));
    await session.call('POST', '/api/v1/auth/mfa', { challengeId: login.json().challengeId, code: oathtoolCode(secret) });
    expect((await session.call('GET', '/api/v1/me')).statusCode).toBe(200);

    const token = tokenIn(inbox[0]);
    expect(token.length).toBeGreaterThan(20);
    const weak = await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, newPassword: 'password1234' } });
    expect(weak.statusCode).toBe(422);
    const done = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/complete',
      payload: { token, newPassword: 'amber lighthouse 2031 tide' },
    });
    expect(done.statusCode).toBe(204);
    expect(done.cookies).toEqual([]);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/complete',
      payload: { token, newPassword: 'another amber lighthouse 9' },
    });
    expect(again.statusCode).toBe(401);
    expect((await session.call('GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: USER_PASSWORD } })).statusCode).toBe(401);
    const next = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: 'amber lighthouse 2031 tide' } });
    expect(next.json()).toMatchObject({ mfaRequired: true });
  });

  it('refuses a forged or expired token', async () => {
    const forged = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/complete',
      payload: { token: 'A'.repeat(43), newPassword: 'amber lighthouse 2031 tide' },
    });
    expect(forged.statusCode).toBe(401);
    await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.email } });
    const mails = await waitForMail(2);
    const token = tokenIn(mails[1]);
    vi.setSystemTime(new Date(Date.now() + 31 * 60_000));
    const expired = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/complete',
      payload: { token, newPassword: 'violet canyon 4412 reef' },
    });
    expect(expired.statusCode).toBe(401);
  });

  it('gives an account without a local password (single sign-on only) no reset link, and never completes one for it', async () => {
    const { createUser } = await import('../../src/platform/identity/user-directory.js');
    const { asSystem } = await import('../../src/platform/data/as-system.js');
    const { noRequest } = await import('../../src/platform/audit/audit-event.js');
    const sso = await install.kernel.transaction((tx) =>
      createUser(install.kernel, tx, asSystem('test fixture'), noRequest, { email: 'sso.only@example.com', name: 'SSO Only', roles: ['sales_rep'] }),
    );
    const db = install.kernel.db.kysely;
    expect((await db.selectFrom('users').select('password_hash').where('id', '=', sso.id).executeTakeFirstOrThrow()).password_hash).toBeNull();
    const rowsBefore = await db.selectFrom('password_resets').select('token_hash').execute();
    const ssoAnswer = await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'SSO.Only@example.com' } });
    const unknownAnswer = await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'nobody.at.all@example.com' } });
    expect(ssoAnswer.statusCode).toBe(202);
    expect(ssoAnswer.body).toBe(unknownAnswer.body);
    // The same work as for an unknown address: one row each, naming no user, so no link exists to mail.
    const written = (await db.selectFrom('password_resets').selectAll().execute()).filter((r) => !rowsBefore.some((b) => b.token_hash === r.token_hash));
    expect(written.map((r) => r.user_id)).toEqual([null, null]);
    const requested = await db
      .selectFrom('audit_events')
      .select(['outcome', 'detail'])
      .where('action', '=', 'auth.password.reset_requested')
      .where('resource_id', '=', sso.id)
      .executeTakeFirstOrThrow();
    expect(requested.outcome).toBe('refused');
    expect(JSON.parse(String(requested.detail))).toEqual({ reason: 'no_local_password' });

    // A link issued while the account still had a password does not give it one once it is SSO-only.
    const convert = await addUser(install.kernel, ['sales_rep'], 'Reset Team', 'moving.to.sso@example.com');
    const before = inbox.length;
    await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: convert.email } });
    const token = tokenIn((await waitForMail(before + 1)).find((m) => m.to.includes(convert.email)));
    expect(token.length).toBeGreaterThan(20);
    await db.updateTable('users').set({ password_hash: null }).where('id', '=', convert.id).execute();
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/complete',
      payload: { token, newPassword: 'amber lighthouse 2031 tide' },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('unauthenticated');
    expect((await db.selectFrom('users').select('password_hash').where('id', '=', convert.id).executeTakeFirstOrThrow()).password_hash).toBeNull();
    expect((await db.selectFrom('password_resets').select('used_at').where('user_id', '=', convert.id).executeTakeFirstOrThrow()).used_at).toBeNull();
  });
});
