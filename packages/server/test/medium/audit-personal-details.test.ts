import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { canonicalAuditForm, chainHash, eventSeal } from '../../src/platform/audit/append-audit-event.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { queryAuditEvents } from '../../src/platform/audit/audit-query.js';
import { exportAuditJsonl } from '../../src/platform/audit/siem/export-jsonl.js';
import { formatSyslogMessage } from '../../src/platform/audit/siem/syslog-format.js';
import { verifyAuditChain } from '../../src/platform/audit/verify-audit-chain.js';
import type { Actor } from '../../src/platform/authz/actor.js';
import { newId, nowIso } from '../../src/platform/data/ids.js';
import { grantAuditPersonalToStoredRoles } from '../../src/platform/db/migrations/012-masked-search-and-audit-seal.js';
import { openKernel } from '../../src/platform/kernel.js';
import { Client } from '../helpers/cookie-client.js';
import { asDatabaseAdministrator } from '../helpers/database-administrator.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import { TotpSessions } from '../helpers/totp-sessions.js';

type App = Awaited<ReturnType<typeof buildApp>>;

const STAFF_AGENT = 'Mozilla/5.0 (X11; Linux) Quintavalle-Workstation-4711';
const NOTE = 'Zbigniew Quintavalle called from 13911112222 and read out 110101198001019999';

/**
 * Staff-typed text (reveal notes), staff IP addresses and user agents are personal data: the audit
 * trail keeps keyed pseudonyms and reason codes in the clear, and seals the originals under the audit
 * data key, for holders of audit.personal only. The hash chain covers the sealed details.
 */
describe.each(testDialects)('personal details in the audit trail on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let manager: TestUser;
  let auditorToken: string;
  let privacyToken: string;
  let contactId: string;
  let revealSeq: number;

  const db = () => install.kernel.db.kysely;
  const bearer = (token: string, url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const revealEvent = () => db().selectFrom('audit_events').selectAll().where('seq', '=', revealSeq).executeTakeFirstOrThrow();
  /** An audit reader whose (edited) role holds audit.read but not audit.personal. */
  const pseudonymReader = (): Actor => ({ kind: 'user', userId: manager.id, tokenId: null, teamId: null, roles: [], permissions: new Set(['audit.read']) });

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    manager = await addUser(install.kernel, ['sales_manager'], 'Personal Details');
    auditorToken = await tokenFor(install.kernel, await addUser(install.kernel, ['audit_admin']));
    privacyToken = await tokenFor(install.kernel, await addUser(install.kernel, ['privacy_officer']));
    const session = await new TotpSessions(app).fullSession(manager.email, USER_PASSWORD);
    const created = await session.call('POST', '/api/v1/contacts', { name: 'Zbigniew Quintavalle', phone: '13911112222' }, { 'user-agent': STAFF_AGENT });
    expect(created.statusCode, created.body).toBe(201);
    contactId = created.json().id;
    const revealed = await session.call(
      'POST',
      `/api/v1/contacts/${contactId}/reveal`,
      { fields: ['phone'], reason: 'complaint', note: NOTE },
      { 'user-agent': STAFF_AGENT },
    );
    expect(revealed.statusCode, revealed.body).toBe(200);
    revealSeq = Number(
      (
        await db()
          .selectFrom('audit_events')
          .select('seq')
          .where('request_id', '=', String(revealed.headers['x-request-id']))
          .where('action', '=', 'personal_data.reveal')
          .executeTakeFirstOrThrow()
      ).seq,
    );
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  it('stores the reason code and keyed pseudonyms in the clear, and the note, address and browser only sealed', async () => {
    const event = await revealEvent();
    expect(JSON.parse(String(event.detail))).toEqual({ reason: 'complaint', note: 'sealed' });
    expect(event.ip).toMatch(/^ip:[0-9a-f]{16}$/);
    expect(event.user_agent).toMatch(/^ua:[0-9a-f]{16}$/);
    expect(Buffer.isBuffer(event.sealed_enc)).toBe(true);
    // Equal addresses and browsers give equal pseudonyms: the session's events can be correlated.
    const mine = await db().selectFrom('audit_events').select(['ip', 'user_agent']).where('actor_id', '=', manager.id).where('ip', 'is not', null).execute();
    expect(new Set(mine.map((e) => e.ip))).toEqual(new Set([event.ip]));
    expect(mine.filter((e) => e.user_agent === event.user_agent).length).toBeGreaterThanOrEqual(2);
    // Nothing of it in the clear anywhere in the log, in any encoding the rows are stored or exported in.
    const rows = await db().selectFrom('audit_events').selectAll().execute();
    const haystack = [
      JSON.stringify(rows),
      ...rows.map((r) => (r.sealed_enc ? Buffer.from(r.sealed_enc).toString('latin1') : '')),
      ...rows.map((r) => (r.sealed_enc ? Buffer.from(r.sealed_enc).toString('base64') : '')),
    ]
      .join('\n')
      .toLowerCase();
    for (const secret of [NOTE, '13911112222', '110101198001019999', 'Quintavalle', STAFF_AGENT, 'lightMyRequest', '127.0.0.1']) {
      expect(haystack.includes(secret.toLowerCase()), secret).toBe(false);
    }
  });

  it('shows the sealed details to holders of audit.personal, pseudonyms to any other audit reader', async () => {
    const res = await bearer(auditorToken, `/api/v1/audit-events?action=personal_data.reveal&contact=${contactId}`);
    expect(res.statusCode, res.body).toBe(200);
    const [shown] = res.json().items;
    expect(shown).toMatchObject({
      seq: revealSeq,
      detail: { reason: 'complaint' },
      personal: { ip: '127.0.0.1', userAgent: STAFF_AGENT, note: NOTE, intact: true },
    });
    const readEvent = await db().selectFrom('audit_events').selectAll().where('request_id', '=', String(res.headers['x-request-id'])).executeTakeFirstOrThrow();
    expect(JSON.parse(String(readEvent.fields))).toEqual(expect.arrayContaining(['personal.ip', 'personal.userAgent', 'personal.note']));
    expect(JSON.parse(String(readEvent.detail))).toMatchObject({ personalDetails: true });

    const page = await queryAuditEvents(install.kernel, pseudonymReader(), noRequest, { limit: 200, action: 'personal_data.reveal' });
    const item = page.items.find((e) => e.seq === revealSeq);
    expect(item).toMatchObject({ ip: shown.ip, userAgent: shown.userAgent, personal: null, detail: { reason: 'complaint', note: 'sealed' } });
    expect(JSON.stringify(page)).not.toContain('127.0.0.1');
    expect(JSON.stringify(page)).not.toContain('Quintavalle');
  });

  it('keeps events written before sealing verifiable, pseudonymised for other readers, in the clear for audit.personal', async () => {
    // An event as the previous version wrote it: plaintext IP, user agent and free-text reason.
    const last = await db().selectFrom('audit_events').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const subject = (await db().selectFrom('contacts').select('subject_id').where('id', '=', contactId).executeTakeFirstOrThrow()).subject_id;
    const legacy = {
      id: newId(),
      at: nowIso(),
      actor_kind: 'user',
      actor_id: manager.id,
      action: 'personal_data.reveal',
      outcome: 'success',
      resource: 'contacts',
      resource_id: contactId,
      subject_ids: JSON.stringify([subject]),
      fields: JSON.stringify(['phone']),
      request_id: null,
      ip: '198.51.100.77',
      user_agent: 'LegacyBrowser/1.0',
      detail: JSON.stringify({ reason: 'Mrs Quintavalle asked about her bill' }),
      prev_hash: last.hash,
      sealed_enc: null,
    };
    const hash = chainHash(install.kernel.suite, legacy);
    const inserted = await db()
      .insertInto('audit_events')
      .values({ ...legacy, hash, seal: eventSeal(install.kernel.suite, install.kernel.keyring.auditSealKey, hash) })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('audit_subjects')
      .values({ subject_id: subject, seq: Number(inserted.seq) })
      .execute();
    expect(await verifyAuditChain(install.kernel)).toMatchObject({ intact: true });

    const other = await queryAuditEvents(install.kernel, pseudonymReader(), noRequest, { limit: 5, action: 'personal_data.reveal' });
    expect(other.items[0]).toMatchObject({ seq: Number(inserted.seq), ip: expect.stringMatching(/^ip:[0-9a-f]{16}$/), personal: null });
    expect(other.items[0]?.detail).toEqual({ reason: '[withheld: free text]' });
    expect(JSON.stringify(other)).not.toMatch(/198\.51\.100\.77|LegacyBrowser|Quintavalle/);
    const auditor = (await bearer(auditorToken, '/api/v1/audit-events?action=personal_data.reveal&limit=1')).json().items[0];
    expect(auditor).toMatchObject({
      personal: { ip: '198.51.100.77', userAgent: 'LegacyBrowser/1.0', note: null },
      detail: { reason: 'Mrs Quintavalle asked about her bill' },
    });
    const accesses = (await bearer(privacyToken, `/api/v1/contacts/${contactId}/accesses?limit=2`)).json().items;
    expect(accesses.map((a: { ip: string }) => a.ip)).toEqual(['198.51.100.77', '127.0.0.1']);
    expect(accesses[1]).toMatchObject({ reason: 'complaint', note: NOTE, userAgent: STAFF_AGENT });
  });

  it('exports pseudonyms and the sealed details (base64) to a SIEM, which can still recompute the chain', async () => {
    let text = '';
    await exportAuditJsonl(db(), async (chunk) => {
      text += chunk;
    });
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown> & { chain: { hash: string }; seq: number });
    const line = lines.find((l) => l.seq === revealSeq);
    expect(line).toMatchObject({ ip: expect.stringMatching(/^ip:/), user_agent: expect.stringMatching(/^ua:/), sealed_enc: expect.any(String) });
    expect(text).not.toContain(NOTE);
    expect(text).not.toContain('127.0.0.1');
    for (const l of lines) {
      const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
      const fields = {
        ...(l as Record<string, never>),
        subject_ids: json(l.subject_ids),
        fields: json(l.fields),
        detail: json(l.detail),
        prev_hash: (l.chain as { prev: string }).prev,
        sealed_enc: typeof l.sealed_enc === 'string' ? Buffer.from(l.sealed_enc, 'base64') : null,
      };
      expect(chainHash(install.kernel.suite, fields), `event ${l.seq}: ${canonicalAuditForm(fields)}`).toBe(l.chain.hash);
    }
    const syslog = formatSyslogMessage(await revealEvent(), { facility: 10, hostname: 'test' });
    expect(syslog).toMatch(/ ip="ip:[0-9a-f]{16}"/);
    expect(syslog).not.toContain('127.0.0.1');
  });

  it('keeps library error messages out of the audit detail (a passkey answer that quotes the input)', async () => {
    const user = await addUser(install.kernel, ['sales_rep'], 'Personal Details');
    const client = new Client(app);
    const login = await client.call('POST', '/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    expect((await client.call('POST', '/api/v1/me/mfa/webauthn/options')).statusCode).toBe(200);
    const planted = 'Zbig.Quintavalle@Example-Mail.ORG';
    const answer = await client.call('POST', '/api/v1/me/mfa/webauthn', { response: { id: 'AAAA', rawId: 'AAAA', type: planted, response: {} } });
    expect(answer.statusCode).toBeGreaterThanOrEqual(400);
    expect(answer.statusCode).toBeLessThan(500);
    const failed = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'auth.passkey.failed')
      .where('resource_id', '=', user.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(String(failed.detail))).toEqual({ step: 'registration', reason: 'invalid_response', error: 'Error' });
    expect(JSON.stringify(await db().selectFrom('audit_events').selectAll().execute()).toLowerCase()).not.toContain(planted.toLowerCase());
  });

  it('detects sealed details that were removed or swapped: the chain names the event, the view flags it', async () => {
    const event = await revealEvent();
    const donor = await db()
      .selectFrom('audit_events')
      .select(['seq', 'sealed_enc'])
      .where('sealed_enc', 'is not', null)
      .where('seq', '<', revealSeq)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    // What someone with full rights on the database could do (the application role cannot).
    await asDatabaseAdministrator(install.kernel, async (admin) => {
      await admin.updateTable('audit_events').set({ sealed_enc: donor.sealed_enc }).where('seq', '=', revealSeq).execute();
      expect((await verifyAuditChain(install.kernel)).problem).toMatchObject({ kind: 'altered', seq: revealSeq });
      const shown = (await bearer(auditorToken, `/api/v1/audit-events?action=personal_data.reveal&contact=${contactId}&limit=5`)).json().items;
      expect(shown.find((e: { seq: number }) => e.seq === revealSeq)?.personal).toEqual({ ip: null, userAgent: null, note: null, intact: false });
      await admin.updateTable('audit_events').set({ sealed_enc: null }).where('seq', '=', revealSeq).execute();
      expect((await verifyAuditChain(install.kernel)).problem).toMatchObject({ kind: 'altered', seq: revealSeq });
      await admin.updateTable('audit_events').set({ sealed_enc: event.sealed_enc }).where('seq', '=', revealSeq).execute();
      expect((await verifyAuditChain(install.kernel)).intact).toBe(true);
    });
  });
});

describe.each(testDialects)('the audit data key on %s', (dialect) => {
  let install: TestInstall | undefined;
  afterAll(async () => install?.cleanup());

  const auditKeys = (i: TestInstall) => i.kernel.db.kysely.selectFrom('data_keys').selectAll().where('purpose', '=', 'audit_detail').execute();
  const record = (i: TestInstall) => i.kernel.db.kysely.selectFrom('settings').select('value').where('key', '=', 'audit_detail_key').executeTakeFirst();
  async function reopen(i: TestInstall): Promise<void> {
    await i.kernel.close();
    i.kernel = await openKernel(i.config);
  }

  it('is made at init and recorded; an installation from before gets it once at its first open; a lost key stops the server', async () => {
    const i = await createTestInstall(dialect);
    install = i;
    const made = await auditKeys(i);
    expect(made.map((k) => [k.version, k.status])).toEqual([[1, 'active']]);
    expect(JSON.parse(String((await record(i))?.value))).toMatchObject({ version: 1 });

    // As an installation made before the audit key existed: no key, no record, nothing sealed yet.
    await i.kernel.db.kysely.deleteFrom('data_keys').where('purpose', '=', 'audit_detail').execute();
    await i.kernel.db.kysely.deleteFrom('settings').where('key', '=', 'audit_detail_key').execute();
    await reopen(i);
    const created = await auditKeys(i);
    expect(created).toHaveLength(1);
    expect(await record(i)).toBeDefined();
    await reopen(i);
    expect((await auditKeys(i)).map((k) => Buffer.from(k.wrapped).toString('hex'))).toEqual(created.map((k) => Buffer.from(k.wrapped).toString('hex')));

    // Something is sealed under it now.
    await i.kernel.transaction((tx) =>
      tx.audit(
        { kind: 'anonymous', userId: null, tokenId: null, teamId: null, roles: [], permissions: new Set() },
        { requestId: null, ip: '192.0.2.1', userAgent: null },
        {
          action: 'access.refused',
          outcome: 'refused',
        },
      ),
    );
    await i.kernel.close();
    // The key disappears: the server refuses to start, and makes no new key.
    const db = (await import('../../src/platform/db/database.js')).openDatabase(i.config.database);
    await db.kysely.deleteFrom('data_keys').where('purpose', '=', 'audit_detail').execute();
    await expect(openKernel(i.config)).rejects.toThrow(/audit data key \('audit_detail'\) is missing .* settings record it as created/);
    // ...also when its record is gone too: the sealed events give it away.
    await db.kysely.deleteFrom('settings').where('key', '=', 'audit_detail_key').execute();
    await expect(openKernel(i.config)).rejects.toThrow(/audit data key \('audit_detail'\) is missing .* holds details sealed under it/);
    expect(await db.kysely.selectFrom('data_keys').selectAll().where('purpose', '=', 'audit_detail').execute()).toEqual([]);
    // Restoring the row from a backup brings the server back.
    await db.kysely
      .insertInto('data_keys')
      .values(created.map((k) => ({ ...k, wrapped: Buffer.from(k.wrapped) })))
      .execute();
    await db.close();
    i.kernel = await openKernel(i.config);
    expect(await verifyAuditChain(i.kernel)).toMatchObject({ intact: true });
  });

  it('gives the stored audit_admin and privacy_officer roles audit.personal on upgrade, unless that would combine duties', async () => {
    const i = install as TestInstall;
    const db = i.kernel.db.kysely;
    const permissionsOf = async (key: string) =>
      JSON.parse((await db.selectFrom('roles').select('permissions').where('key', '=', key).executeTakeFirstOrThrow()).permissions) as string[];
    expect(await permissionsOf('audit_admin')).toContain('audit.personal');
    expect(await permissionsOf('privacy_officer')).toContain('audit.personal');
    // As stored before the upgrade; one role edited to hold a system duty.
    await db
      .updateTable('roles')
      .set({ permissions: JSON.stringify(['audit.read']) })
      .where('key', '=', 'audit_admin')
      .execute();
    await db
      .updateTable('roles')
      .set({ permissions: JSON.stringify(['contacts.read', 'users.manage']) })
      .where('key', '=', 'privacy_officer')
      .execute();
    await grantAuditPersonalToStoredRoles(db as never);
    expect(await permissionsOf('audit_admin')).toEqual(['audit.read', 'audit.personal']);
    expect(await permissionsOf('privacy_officer')).toEqual(['contacts.read', 'users.manage']);
    await grantAuditPersonalToStoredRoles(db as never);
    expect(await permissionsOf('audit_admin')).toEqual(['audit.read', 'audit.personal']);
  });
});
