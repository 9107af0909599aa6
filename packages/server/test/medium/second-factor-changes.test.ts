/**
 * Attacks on adding a second factor (SPEC 2.3: replacing or adding a second factor needs a fresh
 * second factor too). Before the fix a stolen session could start and confirm a TOTP enrolment of
 * its own over an enrolled account, every other session lived on, and nobody was told.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeKeyVersion, openValue, sealValue } from '../../src/platform/crypto/envelope.js';
import { completeRotation, startRotation } from '../../src/platform/crypto/key-rotation.js';
import { subjectSealedTables } from '../../src/platform/crypto/sealed-columns.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { lockWaiters } from '../helpers/lock-step.js';
import { SoftwarePasskey } from '../helpers/software-passkey.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { addUser, type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep, type TotpSessions } from '../helpers/totp-sessions.js';

interface Mail {
  to: string[];
  body: string;
}

describe.each(testDialects)('adding a second factor on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let smtp: SMTPServer;
  let sessions: TotpSessions;
  const inbox: Mail[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let body = '';
        stream.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), body: body.replace(/=\r?\n/g, '') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    ({ install, app, sessions } = await startTestApp(dialect, { CASTELLAN_SMTP_URL: `smtp://127.0.0.1:${port}` }));
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  /** The `count`-th mail to `address` that mentions `text` (waits for it: a positive condition, no fixed sleep). */
  async function mailTo(address: string, text: string, count = 1): Promise<Mail> {
    for (let i = 0; i < 200; i++) {
      const found = inbox.filter((m) => m.to.includes(address) && m.body.includes(text));
      if (found.length >= count) return found[count - 1] as Mail;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no mail ${count} to ${address} mentioning ${text}`);
  }

  const userRow = (id: string) =>
    install.kernel.db.kysely.selectFrom('users').select(['totp_secret_enc', 'totp_pending_enc']).where('id', '=', id).executeTakeFirstOrThrow();
  const makeStale = async (client: Client) => {
    const id = (await client.call('GET', '/api/v1/me')).json().session.id;
    await install.kernel.db.kysely
      .updateTable('sessions')
      .set({ mfa_at: new Date(Date.now() - 6 * 60_000).toISOString() })
      .where('id', '=', id)
      .execute();
  };
  const stepUp = async (client: Client, email: string) => {
    nextTotpStep();
    const res = await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get(email) ?? '') });
    expect(res.statusCode, res.body).toBe(200);
  };

  it('enrolling the first factor ends every other session and tells the user', async () => {
    const user = await addUser(install.kernel, ['service_agent'], 'First');
    const elsewhere = new Client(app);
    expect((await elsewhere.call('POST', '/api/v1/auth/login', { email: user.email, password: USER_PASSWORD })).statusCode).toBe(200);
    await sessions.fullSession(user.email, USER_PASSWORD);
    expect((await elsewhere.call('GET', '/api/v1/me')).statusCode).toBe(401);
    const mail = await mailTo(user.email, 'authenticator app');
    expect(mail.body).toContain('Every other session of your account was signed out');
    expect(mail.body).not.toContain(user.id);
  });

  it('refuses a session without a fresh second factor to start or confirm a TOTP over an enrolled account', async () => {
    const user = await addUser(install.kernel, ['service_agent'], 'Stolen');
    const stolen = await sessions.fullSession(user.email, USER_PASSWORD);
    const before = await userRow(user.id);
    await makeStale(stolen);
    const start = await stolen.call('POST', '/api/v1/me/mfa/totp');
    expect(start.statusCode).toBe(403);
    expect(start.json().error.code).toBe('step_up_required');
    expect(await userRow(user.id)).toEqual(before);

    // A start made while fresh cannot be confirmed once the factor has gone stale.
    await stepUp(stolen, user.email);
    const planted = await stolen.call('POST', '/api/v1/me/mfa/totp');
    expect(planted.statusCode).toBe(200);
    await makeStale(stolen);
    nextTotpStep();
    const confirm = await stolen.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(planted.json().secret) });
    expect(confirm.statusCode).toBe(403);
    expect(confirm.json().error.code).toBe('step_up_required');
    expect((await userRow(user.id)).totp_secret_enc).toEqual(before.totp_secret_enc);
    const refusals = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .select(['outcome', 'detail'])
      .where('action', '=', 'auth.mfa.failed')
      .where('resource_id', '=', user.id)
      .execute();
    expect(refusals.map((r) => [r.outcome, JSON.parse(String(r.detail)).step])).toEqual([
      ['refused', 'enrolment_start'],
      ['refused', 'enrolment'],
    ]);
  });

  it('replacing TOTP with a fresh factor ends every other session and tells the user', async () => {
    const user = await addUser(install.kernel, ['service_agent'], 'Replace');
    const here = await sessions.fullSession(user.email, USER_PASSWORD);
    const elsewhere = await sessions.fullSession(user.email, USER_PASSWORD);
    await stepUp(here, user.email);
    const start = await here.call('POST', '/api/v1/me/mfa/totp');
    const confirm = await here.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(start.json().secret) });
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect((await elsewhere.call('GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await here.call('GET', '/api/v1/me')).statusCode).toBe(200);
    await mailTo(user.email, 'authenticator app', 2); // the first enrolment's, then this one's
    const enrolled = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .select('detail')
      .where('action', '=', 'auth.mfa.enrolled')
      .where('resource_id', '=', user.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(String(enrolled.detail))).toMatchObject({ factor: 'totp', sessionsEnded: 1 });
  });

  it('adding a passkey ends every other session and tells the user', async () => {
    const user = await addUser(install.kernel, ['service_agent'], 'Passkey');
    const here = await sessions.fullSession(user.email, USER_PASSWORD);
    const elsewhere = await sessions.fullSession(user.email, USER_PASSWORD);
    const passkey = new SoftwarePasskey();
    // Without CASTELLAN_PUBLIC_URL a Host header other than localhost is not the relying party.
    const foreignHost = await here.call('POST', '/api/v1/me/mfa/webauthn/options', undefined, { host: 'crm.example.com' });
    expect(foreignHost.statusCode).toBe(400);
    expect(foreignHost.json().error.message).toContain('CASTELLAN_PUBLIC_URL');
    const options = await here.call('POST', '/api/v1/me/mfa/webauthn/options');
    expect(options.statusCode, options.body).toBe(200);
    const registered = await here.call('POST', '/api/v1/me/mfa/webauthn', { response: passkey.register(options.json()), name: 'Laptop' });
    expect(registered.statusCode, registered.body).toBe(200);
    expect((await elsewhere.call('GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await here.call('GET', '/api/v1/me')).statusCode).toBe(200);
    const mail = await mailTo(user.email, 'passkey');
    expect(mail.body).not.toContain('Laptop');
  });

  // The pending TOTP secret is sealed inside the transaction that writes it, after locking the
  // subject key (PostgreSQL: SELECT … FOR UPDATE, as key rotation does). Here a rotation holds this
  // user's subject: the enrolment must wait for it, then seal under the NEW key. Before the fix the
  // enrolment sealed at once under the key about to be replaced (the confirmation would then fail).
  it.runIf(dialect === 'postgres')('seals the pending TOTP secret under the subject key a concurrent rotation leaves', async () => {
    const user = await addUser(install.kernel, ['service_agent'], 'Rotated');
    const client = new Client(app);
    expect((await client.call('POST', '/api/v1/auth/login', { email: user.email, password: USER_PASSWORD })).statusCode).toBe(200);
    const { toVersion } = await startRotation(install.kernel, asSystem('test: rotation racing an enrolment'));
    const kernel = install.kernel;
    let enrolment: Promise<Awaited<ReturnType<Client['call']>>> | undefined;
    await kernel.db.kysely.transaction().execute(async (trx) => {
      const subject = await trx
        .selectFrom('data_subjects')
        .select(['key_version', 'wrapped_key'])
        .where('id', '=', user.subjectId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      let finished = false;
      enrolment = client.call('POST', '/api/v1/me/mfa/totp');
      void enrolment.then(() => {
        finished = true;
      });
      // Wait until the enrolment waits for the subject's lock (or fail at once if it finishes without it).
      while ((await lockWaiters(install.env.CASTELLAN_DATABASE_URL ?? '', '%from "data_subjects"%for update%')) === 0) {
        expect(finished, 'the enrolment sealed without waiting for the subject key').toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // What the rotation does for this subject: a fresh key under the new version, values re-encrypted.
      const oldKey = kernel.keyring.subjectKey(user.subjectId, subject.key_version, Buffer.from(subject.wrapped_key ?? Buffer.alloc(0)));
      const fresh = kernel.keyring.newSubjectKey(user.subjectId, toVersion);
      const columns = subjectSealedTables().get('users') ?? [];
      const row = (await trx.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow()) as unknown as Record<string, unknown>;
      const changes: Record<string, Buffer> = {};
      for (const sealed of columns) {
        const envelope = row[sealed.column] as Buffer | null;
        if (!envelope) continue;
        const context = { table: 'users', column: sealed.aadColumn, rowId: user.id };
        changes[sealed.column] = sealValue(kernel.suite, fresh.key, toVersion, openValue(oldKey, Buffer.from(envelope), context, kernel.suite), context);
      }
      await trx.updateTable('users').set(changes).where('id', '=', user.id).execute();
      await trx.updateTable('data_subjects').set({ key_version: toVersion, wrapped_key: fresh.wrapped }).where('id', '=', user.subjectId).execute();
    });
    const started = await (enrolment ?? Promise.reject(new Error('not started')));
    expect(started.statusCode, started.body).toBe(200);
    const confirm = await client.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(started.json().secret) });
    expect(confirm.statusCode, confirm.body).toBe(200);
  });

  // A passkey's name is sealed under its owner's subject key inside the transaction that stores the
  // passkey, after locking that key, like the TOTP secret above: the registration waits for a rotation
  // holding the subject, then seals under the NEW key (sealing at once would leave it under the old one).
  it.runIf(dialect === 'postgres')('seals a passkey name under the subject key a concurrent rotation leaves', async () => {
    const user = await addUser(install.kernel, ['service_agent'], 'Rotated Passkey');
    const client = await sessions.fullSession(user.email, USER_PASSWORD);
    const passkey = new SoftwarePasskey();
    const options = await client.call('POST', '/api/v1/me/mfa/webauthn/options');
    expect(options.statusCode, options.body).toBe(200);
    // A rotation this user's subject is below (one left running by the test above is finished first).
    const rotator = asSystem('test: rotation racing a passkey registration');
    let rotation = await startRotation(install.kernel, rotator);
    if (rotation.resumed) {
      await completeRotation(install.kernel, rotator, rotation.id, { workerId: 'test', batchSize: 50 });
      rotation = await startRotation(install.kernel, rotator);
    }
    const { toVersion } = rotation;
    const kernel = install.kernel;
    let registration: Promise<Awaited<ReturnType<Client['call']>>> | undefined;
    await kernel.db.kysely.transaction().execute(async (trx) => {
      const subject = await trx
        .selectFrom('data_subjects')
        .select(['key_version', 'wrapped_key'])
        .where('id', '=', user.subjectId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      expect(subject.key_version).toBeLessThan(toVersion);
      let finished = false;
      registration = client.call('POST', '/api/v1/me/mfa/webauthn', { response: passkey.register(options.json()), name: 'Racing key' });
      void registration.then(() => {
        finished = true;
      });
      while ((await lockWaiters(install.env.CASTELLAN_DATABASE_URL ?? '', '%from "data_subjects"%for update%')) === 0) {
        expect(finished, 'the registration sealed the name without waiting for the subject key').toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // The rotation of this subject: a fresh key under the new version, the user's sealed values re-encrypted.
      const oldKey = kernel.keyring.subjectKey(user.subjectId, subject.key_version, Buffer.from(subject.wrapped_key ?? Buffer.alloc(0)));
      const fresh = kernel.keyring.newSubjectKey(user.subjectId, toVersion);
      const row = (await trx.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow()) as unknown as Record<string, unknown>;
      const changes: Record<string, Buffer> = {};
      for (const sealed of subjectSealedTables().get('users') ?? []) {
        const envelope = row[sealed.column] as Buffer | null;
        if (!envelope) continue;
        const context = { table: 'users', column: sealed.aadColumn, rowId: user.id };
        changes[sealed.column] = sealValue(kernel.suite, fresh.key, toVersion, openValue(oldKey, Buffer.from(envelope), context, kernel.suite), context);
      }
      await trx.updateTable('users').set(changes).where('id', '=', user.id).execute();
      await trx.updateTable('data_subjects').set({ key_version: toVersion, wrapped_key: fresh.wrapped }).where('id', '=', user.subjectId).execute();
    });
    const registered = await (registration ?? Promise.reject(new Error('not started')));
    expect(registered.statusCode, registered.body).toBe(200);
    const stored = await kernel.db.kysely.selectFrom('webauthn_credentials').select('name_enc').where('id', '=', passkey.id).executeTakeFirstOrThrow();
    expect(envelopeKeyVersion(Buffer.from(stored.name_enc ?? Buffer.alloc(0)))).toBe(toVersion);
    expect((await client.call('GET', '/api/v1/me/mfa/webauthn')).json().items).toEqual([expect.objectContaining({ id: passkey.id, name: 'Racing key' })]);
  });
});
