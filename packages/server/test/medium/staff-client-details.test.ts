/**
 * Staff are data subjects too: the IP address and browser a staff member signs in from, and the name
 * they give a passkey, never reach the disk in plaintext. Before the fix `sessions.ip` and
 * `sessions.user_agent`, `mfa_challenges.ip`, the sign-in throttle's `ip:<address>` keys and
 * `webauthn_credentials.name` held them as typed. Now a session keeps them sealed under the audit
 * data key (opened for its owner only), the throttle counts each address under its keyed pseudonym
 * (the one the audit trail uses), and a passkey name is sealed under its owner's subject key.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { auditPseudonym } from '../../src/platform/audit/audit-personal-details.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { addressThrottleKey } from '../../src/platform/identity/sign-in.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { type SearchTarget, searchDatabase } from '../helpers/plaintext-search.js';
import { SoftwarePasskey } from '../helpers/software-passkey.js';
import { ADMIN_PASSWORD, addUser, createTestInstall, type TestInstall, type TestUser, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep, TotpSessions } from '../helpers/totp-sessions.js';

type App = Awaited<ReturnType<typeof buildApp>>;
type Method = 'GET' | 'POST' | 'DELETE';

const AGENT = 'Mozilla/5.0 (X11; Linux x86_64) Szczebrzeszyn-Desk-9917';
const OTHER_AGENT = 'Mozilla/5.0 (Macintosh) Brzeczyszczykiewicz-Laptop-2208';
const ADDRESS = '203.0.113.58';
const OTHER_ADDRESS = '203.0.113.141';
const PASSKEY_NAME = 'Szczebrzeszyn blue YubiKey';

describe.each(testDialects)('staff client details and passkey names on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let staff: TestUser;
  let desk: Client;
  let laptop: Client;
  let totpSecret: string;
  const passkey = new SoftwarePasskey();

  const db = () => install.kernel.db.kysely;
  /** As the role that can read every table (PostgreSQL: the owner). */
  const target = (): SearchTarget =>
    dialect === 'sqlite'
      ? { dialect, file: install.kernel.db.file ?? '' }
      : { dialect, url: install.env.CASTELLAN_DATABASE_OWNER_URL ?? install.env.CASTELLAN_DATABASE_URL ?? '' };
  /** A browser: every call from its address with its user agent. */
  const browser = (address: string, agent: string) => {
    const client = new Client(app);
    client.remoteAddress = address;
    return { client, call: (method: Method, url: string, payload?: unknown) => client.call(method, url, payload, { 'user-agent': agent }) };
  };
  const wrongPassword = (email: string, address: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'not the password 0' }, remoteAddress: address });

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    staff = await addUser(install.kernel, ['service_agent'], 'Client Details');

    // At the desk: password, TOTP enrolment, a named passkey; then a second sign-in (password step,
    // second factor) leaves a sign-in challenge from the desk's address.
    const atDesk = browser(ADDRESS, AGENT);
    nextTotpStep();
    expect((await atDesk.call('POST', '/api/v1/auth/login', { email: staff.email, password: USER_PASSWORD })).statusCode).toBe(200);
    totpSecret = (await atDesk.call('POST', '/api/v1/me/mfa/totp')).json().secret;
    expect((await atDesk.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(totpSecret) })).statusCode).toBe(200);
    const options = await atDesk.call('POST', '/api/v1/me/mfa/webauthn/options');
    expect(options.statusCode, options.body).toBe(200);
    const registered = await atDesk.call('POST', '/api/v1/me/mfa/webauthn', { response: passkey.register(options.json()), name: PASSKEY_NAME });
    expect(registered.statusCode, registered.body).toBe(200);
    expect(registered.json().passkey.name).toBe(PASSKEY_NAME);
    desk = atDesk.client;

    // On the laptop: a session of its own (registering the passkey ended every other one before it).
    const onLaptop = browser(OTHER_ADDRESS, OTHER_AGENT);
    nextTotpStep();
    const login = await onLaptop.call('POST', '/api/v1/auth/login', { email: staff.email, password: USER_PASSWORD });
    expect(login.json().mfaRequired).toBe(true);
    expect((await onLaptop.call('POST', '/api/v1/auth/mfa', { challengeId: login.json().challengeId, code: oathtoolCode(totpSecret) })).statusCode).toBe(200);
    laptop = onLaptop.client;

    // A pending sign-in challenge from the desk, and a failed sign-in from it (a per-address throttle row).
    const again = await browser(ADDRESS, AGENT).call('POST', '/api/v1/auth/login', { email: staff.email, password: USER_PASSWORD });
    expect(again.json().mfaRequired).toBe(true);
    expect((await wrongPassword(staff.email, ADDRESS)).statusCode).toBe(401);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  it('keeps no staff IP address, user agent or passkey name in plaintext in any column of any table', async () => {
    const found = await searchDatabase(target(), [AGENT, OTHER_AGENT, ADDRESS, OTHER_ADDRESS, PASSKEY_NAME, 'Szczebrzeszyn']);
    expect(found.hits).toEqual([]);
    expect(found.columns).toEqual(expect.arrayContaining(['sessions.client_enc', 'webauthn_credentials.name_enc', 'login_throttle.key']));
    // What is there instead: sealed envelopes, and the address's pseudonym as the throttle key.
    const sessions = await db().selectFrom('sessions').select(['client_enc']).where('user_id', '=', staff.id).execute();
    expect(sessions.length).toBeGreaterThanOrEqual(3);
    for (const s of sessions) expect(Buffer.isBuffer(s.client_enc)).toBe(true);
    const credential = await db().selectFrom('webauthn_credentials').select('name_enc').where('id', '=', passkey.id).executeTakeFirstOrThrow();
    expect(Buffer.isBuffer(credential.name_enc)).toBe(true);
    const throttled = await db().selectFrom('login_throttle').select('key').where('key', 'like', 'ip:%').execute();
    expect(throttled.map((t) => t.key).sort()).toEqual([ADDRESS, OTHER_ADDRESS].map((a) => auditPseudonym(install.kernel.keyring, 'ip', a)).sort());
  });

  it("shows the owner each of their sessions' own address and browser", async () => {
    const fromDesk = (await desk.call('GET', '/api/v1/me/sessions')).json().items;
    const current = fromDesk.find((s: { current: boolean }) => s.current);
    expect(current).toMatchObject({ ip: ADDRESS, userAgent: AGENT });
    expect(fromDesk).toContainEqual(expect.objectContaining({ current: false, ip: OTHER_ADDRESS, userAgent: OTHER_AGENT }));
    const fromLaptop = (await laptop.call('GET', '/api/v1/me/sessions')).json().items;
    expect(fromLaptop.find((s: { current: boolean }) => s.current)).toMatchObject({ ip: OTHER_ADDRESS, userAgent: OTHER_AGENT });
    // Another staff member sees only their own sessions.
    const other = await addUser(install.kernel, ['service_agent'], 'Client Details');
    const theirs = await new TotpSessions(app).fullSession(other.email, USER_PASSWORD);
    const listed = (await theirs.call('GET', '/api/v1/me/sessions')).json().items;
    expect(listed.length).toBeGreaterThan(0);
    expect(JSON.stringify(listed)).not.toContain(ADDRESS);
    expect(JSON.stringify(listed)).not.toContain('Szczebrzeszyn');
  });

  it('binds the sealed details to their session: copied onto another session they open as nothing', async () => {
    const laptopId = (await laptop.call('GET', '/api/v1/me')).json().session.id;
    const deskId = (await desk.call('GET', '/api/v1/me')).json().session.id;
    const source = await db().selectFrom('sessions').select('client_enc').where('id', '=', deskId).executeTakeFirstOrThrow();
    const kept = await db().selectFrom('sessions').select('client_enc').where('id', '=', laptopId).executeTakeFirstOrThrow();
    await db().updateTable('sessions').set({ client_enc: source.client_enc }).where('id', '=', laptopId).execute();
    try {
      const listed = (await laptop.call('GET', '/api/v1/me/sessions')).json().items;
      expect(listed.find((s: { id: string }) => s.id === laptopId)).toMatchObject({ ip: null, userAgent: null });
    } finally {
      await db().updateTable('sessions').set({ client_enc: kept.client_enc }).where('id', '=', laptopId).execute();
    }
  });

  it('lists the passkey by its name to its owner only', async () => {
    expect((await desk.call('GET', '/api/v1/me/mfa/webauthn')).json().items).toEqual([expect.objectContaining({ id: passkey.id, name: PASSKEY_NAME })]);
  });

  it('throttles each address under its pseudonym, counting parallel attempts exactly, and the security admin unlocks it by that key', async () => {
    // Signed in first: signing in moves the (faked) clock past the one-second back-off set below.
    const admin = await new TotpSessions(app).fullSession('admin@example.com', ADMIN_PASSWORD);
    const address = '198.51.100.213';
    const key = addressThrottleKey(install.kernel, address);
    expect(key).toMatch(/^ip:[0-9a-f]{16}$/);
    expect(key).toBe(auditPseudonym(install.kernel.keyring, 'ip', address));
    // 25 wrong passwords at once from one address, each for another account (no account lock trips):
    // 20 free failures, the 21st is granted and sets the back-off, which refuses the other four.
    const statuses = await Promise.all(Array.from({ length: 25 }, (_, i) => wrongPassword(`nobody-${i}@example.com`, address).then((r) => r.statusCode)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(21);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    expect(await db().selectFrom('login_throttle').select(['failures', 'consecutive']).where('key', '=', key).executeTakeFirstOrThrow()).toEqual({
      failures: 21,
      consecutive: 21,
    });
    // The address is locked, another one is not.
    expect((await wrongPassword('nobody-else@example.com', address)).statusCode).toBe(429);
    expect((await wrongPassword('nobody-else@example.com', '198.51.100.214')).statusCode).toBe(401);
    // The audit trail names the same pseudonym: a lockout can be traced to the events of its address.
    const failed = await db().selectFrom('audit_events').select('ip').where('action', '=', 'auth.login.failed').where('ip', '=', key).execute();
    expect(failed).toHaveLength(21);

    const listed = await admin.call('GET', '/api/v1/security/lockouts');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items).toContainEqual(expect.objectContaining({ key, userId: null, failuresThisHour: 21 }));
    expect(listed.body).not.toContain(address);
    expect((await admin.call('POST', '/api/v1/security/lockouts/unlock', { address: 'ip:0000000000000000' })).statusCode).toBe(404);
    expect((await admin.call('POST', '/api/v1/security/lockouts/unlock', { address })).statusCode).toBe(400);
    expect((await admin.call('POST', '/api/v1/security/lockouts/unlock', { address: key })).statusCode).toBe(204);
    expect(await db().selectFrom('login_throttle').select('key').where('key', '=', key).executeTakeFirst()).toBeUndefined();
    expect((await wrongPassword('nobody-else@example.com', address)).statusCode).toBe(401);
    const unlocked = await db().selectFrom('audit_events').select(['resource', 'resource_id']).where('action', '=', 'auth.unlocked').execute();
    expect(unlocked).toContainEqual({ resource: 'login_throttle', resource_id: key });
    // Unlocking a user still works as before.
    expect((await admin.call('POST', '/api/v1/security/lockouts/unlock', { userId: staff.id })).statusCode).toBe(204);
  });

  // Migration 014 on rows written before it: the schema is put back as it was for these tables,
  // legacy rows are written with plaintext values, and the migration runs again.
  it('migrates existing rows: plaintext dropped, old address keys deleted, old passkeys labelled by date', async () => {
    const legacy = { ip: '192.0.2.77', agent: 'LegacyBrowser/3.1 (Wolfeschlegel)', name: 'Wolfeschlegel old token' };
    const user = await addUser(install.kernel, ['service_agent'], 'Legacy');
    const totp = new TotpSessions(app);
    const session = await totp.fullSession(user.email, USER_PASSWORD);
    const sessionId = (await session.call('GET', '/api/v1/me')).json().session.id;
    const createdAt = '2025-11-02T09:30:00.000Z';
    await install.kernel.db.withOwner(async (owner) => {
      await owner.schema.alterTable('sessions').dropColumn('client_enc').execute();
      await owner.schema.alterTable('sessions').addColumn('ip', 'text').execute();
      await owner.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
      await owner.schema.alterTable('mfa_challenges').addColumn('ip', 'text').execute();
      await owner.schema.alterTable('webauthn_credentials').dropColumn('name_enc').execute();
      await owner.schema.alterTable('webauthn_credentials').addColumn('name', 'text').execute();
      await sql`UPDATE sessions SET ip = ${legacy.ip}, user_agent = ${legacy.agent} WHERE id = ${sessionId}`.execute(owner);
      await sql`INSERT INTO mfa_challenges (id, user_id, created_at, expires_at, attempts, consumed_at, ip)
                VALUES ('legacy-challenge', ${user.id}, ${createdAt}, ${createdAt}, 0, NULL, ${legacy.ip})`.execute(owner);
      await sql`INSERT INTO login_throttle (key, window_start, window_end, failures, consecutive, locked_until)
                VALUES (${`ip:${legacy.ip}`}, ${createdAt}, ${createdAt}, 3, 3, NULL), ('acct:legacy-kept', ${createdAt}, ${createdAt}, 2, 2, NULL)`.execute(
        owner,
      );
      await sql`INSERT INTO webauthn_credentials (id, user_id, public_key, counter, transports, name, created_at, last_used_at)
                VALUES ('legacy-credential', ${user.id}, ${Buffer.from('not a real public key')}, 0, '[]', ${legacy.name}, ${createdAt}, NULL)`.execute(owner);
      await sql`DELETE FROM kysely_migration WHERE name = '014-sealed-staff-details'`.execute(owner);
    });
    const before = await searchDatabase(target(), [legacy.ip, legacy.agent, legacy.name]);
    expect(before.hits.length, 'the legacy rows hold the values before the migration').toBeGreaterThanOrEqual(5);

    expect((await migrateToLatest(install.kernel.db)).applied).toEqual(['014-sealed-staff-details']);

    expect((await searchDatabase(target(), [legacy.ip, legacy.agent, legacy.name])).hits).toEqual([]);
    const keys = (await db().selectFrom('login_throttle').select('key').execute()).map((r) => r.key);
    expect(keys).toContain('acct:legacy-kept');
    expect(keys.filter((k) => k.startsWith('ip:') && !/^ip:[0-9a-f]{16}$/.test(k))).toEqual([]);
    // The session lives on, without its old address and browser; the old passkey is labelled by its date.
    expect((await session.call('GET', '/api/v1/me/sessions')).json().items.find((s: { id: string }) => s.id === sessionId)).toMatchObject({
      ip: null,
      userAgent: null,
    });
    expect((await session.call('GET', '/api/v1/me/mfa/webauthn')).json().items).toEqual([
      expect.objectContaining({ id: 'legacy-credential', name: 'Passkey 2025-11-02' }),
    ]);
    // New sessions keep their details sealed, as before the re-run.
    nextTotpStep();
    const fresh = browser(OTHER_ADDRESS, AGENT);
    const login = await fresh.call('POST', '/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    const code = oathtoolCode(totp.secrets.get(user.email) ?? '');
    expect((await fresh.call('POST', '/api/v1/auth/mfa', { challengeId: login.json().challengeId, code })).statusCode).toBe(200);
    expect((await fresh.call('GET', '/api/v1/me/sessions')).json().items.find((s: { current: boolean }) => s.current)).toMatchObject({
      ip: OTHER_ADDRESS,
      userAgent: AGENT,
    });
  });
});
