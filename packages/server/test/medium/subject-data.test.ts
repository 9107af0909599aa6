import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeSubjectRequest } from '../../src/modules/privacy-requests/privacy-request-execution.js';
import { buildAccessPackage, downloadAccessPackage } from '../../src/modules/subject-data/access-package.js';
import { eraseSubject, resumeErasures } from '../../src/modules/subject-data/erase-subject.js';
import { openPackage } from '../../src/modules/subject-data/package-crypto.js';
import { setRestriction } from '../../src/modules/subject-data/restrict-subject.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { type Actor, userActor } from '../../src/platform/authz/actor.js';
import type { ErasureStep } from '../../src/platform/data/subject-erasure-steps.js';
import { subjectPlan } from '../../src/platform/data/subject-plan.js';
import { customValuesOfRecords, dependantRowsQuery, subjectRowsQuery } from '../../src/platform/data/subject-rows.js';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type SearchTarget, searchDatabase } from '../helpers/plaintext-search.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall, TestUser } from '../helpers/test-install.js';

/**
 * Data-subject rights on both databases: a person planted in every personal table (contact, custom
 * fields, billing account, subscription, device, case, consent) and a staff member are found whole
 * by the access package; after an erasure — interrupted by a crash between two steps and finished
 * on restart — no search by e-mail, phone, ID number or name finds the person and no planted value is
 * anywhere in the database (raw bytes of the SQLite file included); a legal hold keeps its record; a
 * restriction blocks edits, exports and campaign audiences until lifted; the single-use link is
 * refused the second time and after it lapses; every table the export plan reads is read by index.
 */
describe.each(testDialects)('data-subject rights on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, created, addCallers } = apiCallers(() => app);
  let officer: Actor;
  let people: Record<string, TestUser>;
  const db = () => install.kernel.db.kysely as unknown as import('kysely').Kysely<any>;
  const subjectOf = async (table: string, id: string) =>
    String((await db().selectFrom(table).select('subject_id').where('id', '=', id).executeTakeFirstOrThrow()).subject_id);
  const target = (): SearchTarget =>
    dialect === 'sqlite'
      ? { dialect, file: install.kernel.db.file ?? '' }
      : { dialect, url: install.env.CASTELLAN_DATABASE_OWNER_URL ?? install.env.CASTELLAN_DATABASE_URL ?? '' };
  const rawFileHas = (needle: string) => {
    const file = install.kernel.db.file ?? '';
    const bytes = [file, `${file}-wal`].map((f) => {
      try {
        return readFileSync(f);
      } catch {
        return Buffer.alloc(0);
      }
    });
    return bytes.some((b) => b.includes(Buffer.from(needle, 'utf8')));
  };

  const planted = {
    name: 'Zephyrine Quillfeather',
    email: 'zephyrine.quill@example.org',
    phone: '13987654321',
    idNumber: '110101198808081234',
    passport: 'Passport Z99887766 in the locker',
    nickname: 'Zephy-the-bold-7731',
    address: 'Quillfeather Lane 42, Suzhou',
    serial: 'STB-7731-ZEPH-0042',
    complaint: 'Zephyrine reports frozen picture on channel 5',
    evidence: 'Zephyrine agreed on the phone 7731',
  };
  let contactId: string;
  let subjectId: string;
  let controlId: string;

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    people = await addCallers(install.kernel, {
      admin: [['system_admin']],
      agent: [['service_agent'], 'Desk'],
      manager: [['sales_manager'], 'Desk'],
      officer: [['privacy_officer']],
      staff: [['sales_rep'], 'Desk'],
    });
    officer = userActor(people.officer, ['privacy_officer'], { id: 'test-session', kind: 'full', mfaAt: new Date().toISOString() });
    for (const body of [
      { object: 'contacts', key: 'passportNote', labelZh: '护照备注', labelEn: 'Passport note', type: 'text', classification: 'personal', mask: 'text' },
      { object: 'contacts', key: 'nickname', labelZh: '昵称', labelEn: 'Nickname', type: 'text', classification: 'public' },
    ])
      await created('admin', '/api/v1/custom-fields', body);
    const contact = await created('manager', '/api/v1/contacts', {
      name: planted.name,
      email: planted.email,
      phone: planted.phone,
      idNumber: planted.idNumber,
      custom: { passportNote: planted.passport, nickname: planted.nickname },
    });
    contactId = contact.id;
    subjectId = await subjectOf('contacts', contactId);
    const account = await created('agent', '/api/v1/billing-accounts', { contactId, accountNumber: `BA-${dialect}-7731`, billingAddress: planted.address });
    const subscription = await created('agent', '/api/v1/subscriptions', {
      billingAccountId: account.id,
      packageCode: 'BASIC-HD',
      packageKind: 'base',
      priceFen: 2600,
      startDate: '2026-01-01',
    });
    await call('agent', 'POST', `/api/v1/subscriptions/${subscription.id}/activate`, {});
    await created('agent', '/api/v1/devices', { subscriptionId: subscription.id, billingAccountId: account.id, kind: 'stb', serialNumber: planted.serial });
    await created('agent', '/api/v1/cases', { contactId, category: 'complaint', priority: 'p2', channel: 'wechat', description: planted.complaint });
    await created('agent', '/api/v1/consents', {
      contactId,
      purpose: 'marketing',
      channel: 'sms',
      status: 'granted',
      source: 'call',
      evidence: planted.evidence,
    });
    controlId = (await created('agent', '/api/v1/contacts', { name: 'Control Person', email: 'control.person@example.org', phone: '13700001111' })).id;
    // A read by staff, which the person's access history must show.
    expect((await call('agent', 'GET', `/api/v1/contacts/${contactId}`)).statusCode).toBe(200);
  });
  afterAll(async () => stopTestApp({ install, app }));

  const open = async (format: 'json' | 'csv', forSubject = subjectId) => {
    const built = await buildAccessPackage(install.kernel, officer, noRequest, forSubject, { format, requestId: 'REQ-7731' });
    const res = await call('officer', 'GET', `/api/v1/access-packages/${built.token}`);
    expect(res.statusCode, res.body).toBe(200);
    return { built, document: JSON.parse(openPackage(built.passphrase, res.rawPayload).toString('utf8')) };
  };

  it('finds the person in every table that holds their data, decrypted, with who has seen it', async () => {
    const { document } = await open('json');
    const records = document.records as Record<string, Record<string, unknown>[]>;
    for (const table of ['contacts', 'custom_values', 'billing_accounts', 'subscriptions', 'devices', 'cases', 'consents'])
      expect(records[table]?.length ?? 0, `${table} in the package`).toBeGreaterThan(0);
    const text = JSON.stringify(records);
    for (const [what, value] of Object.entries(planted)) expect(text, what).toContain(value);
    expect(text).not.toContain('Control Person');
    expect(document.searchKeys.blindIndexes).toBeGreaterThanOrEqual(3);
    expect(document.searchKeys.nameTokens).toBeGreaterThan(0);
    const reads = (document.accesses as { action: string; actorId: string }[]).filter((a) => a.action === 'personal_data.read');
    expect(
      reads.some((a) => a.actorId.startsWith(people.agent.id)),
      JSON.stringify(document.accesses),
    ).toBe(true);
    // The export itself is audited, naming the person and the request, with no value.
    const event = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'personal_data.export')
      .where('resource', '=', 'data_subjects')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.subject_ids)).toEqual([subjectId]);
    expect(event.detail).toContain('REQ-7731');
    for (const value of Object.values(planted)) expect(JSON.stringify(event)).not.toContain(value);
  });

  it('gives CSV per table for portability, formula cells defused', async () => {
    const { document } = await open('csv');
    expect(Object.keys(document.csv)).toEqual(expect.arrayContaining(['contacts.csv', 'cases.csv', 'devices.csv', 'accesses.csv']));
    expect(document.csv['contacts.csv']).toContain(planted.email);
  });

  it('carries out a portability request through the same functions, naming the request; an erasure without a fresh second factor is refused', async () => {
    const requestId = 'REQ-8842';
    const done = await executeSubjectRequest(install.kernel, officer, noRequest, { id: requestId, kind: 'portability', format: 'csv' }, subjectId);
    const built = done.package;
    if (!built) throw new Error('no package');
    expect(built.downloadPath).toBe(`/api/v1/access-packages/${built.token}`);
    const res = await call('officer', 'GET', built.downloadPath);
    expect(res.statusCode).toBe(200);
    const document = JSON.parse(openPackage(built.passphrase, res.rawPayload).toString('utf8'));
    expect(document.requestId).toBe(requestId);
    expect(document.csv['contacts.csv']).toContain(planted.email);
    const stale: Actor = { ...officer, session: officer.session ? { ...officer.session, mfaAt: new Date(Date.now() - 3_600_000).toISOString() } : undefined };
    await expect(executeSubjectRequest(install.kernel, stale, noRequest, { id: requestId, kind: 'erasure' }, subjectId)).rejects.toMatchObject({
      code: 'step_up_required',
    });
    expect(await db().selectFrom('subject_erasures').select('id').where('subject_id', '=', subjectId).execute()).toEqual([]);
  });

  it('finds a staff member as a data subject too', async () => {
    const staffSubject = await subjectOf('users', people.staff.id);
    const { document } = await open('json', staffSubject);
    expect(document.records.users).toHaveLength(1);
    expect(JSON.stringify(document.records.users)).toContain(people.staff.email);
  });

  it('opens a link once: a second use and a lapsed link are refused, each audited', async () => {
    const built = await buildAccessPackage(install.kernel, officer, noRequest, subjectId, { format: 'json' });
    expect((await call('officer', 'GET', `/api/v1/access-packages/${built.token}`)).statusCode).toBe(200);
    const again = await call('officer', 'GET', `/api/v1/access-packages/${built.token}`);
    expect([again.statusCode, again.json().error.code]).toEqual([410, 'link_used']);
    const later = await buildAccessPackage(install.kernel, officer, noRequest, subjectId, { format: 'json' });
    const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000 + 1000);
    await expect(downloadAccessPackage(install.kernel, officer, noRequest, later.token, tomorrow)).rejects.toMatchObject({ code: 'link_expired' });
    const refusals = await db().selectFrom('audit_events').select('detail').where('action', '=', 'subject.access_package_refused').execute();
    expect(refusals.map((r) => JSON.parse(r.detail).why).sort()).toEqual(['expired', 'used']);
    expect((await call('agent', 'GET', `/api/v1/access-packages/${later.token}`)).statusCode).toBe(403);
    const stored = await db().selectFrom('access_packages').select(['token_hash']).execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(later.token);
    const wrong = await call('officer', 'GET', `/api/v1/access-packages/${'A'.repeat(43)}`);
    expect(wrong.statusCode).toBe(404);
  });

  it('restriction blocks edits, exports and audiences while keeping the record; lifting is audited', async () => {
    const controlSubject = await subjectOf('contacts', controlId);
    await setRestriction(install.kernel, officer, noRequest, controlSubject, true, { reason: 'accuracy_contested' });
    const edit = await call('agent', 'PATCH', `/api/v1/contacts/${controlId}`, { phone: '13700002222' });
    expect([edit.statusCode, edit.json().error.code]).toEqual([409, 'subject_restricted']);
    await expect(buildAccessPackage(install.kernel, officer, noRequest, controlSubject, { format: 'json' })).rejects.toMatchObject({
      code: 'subject_restricted',
    });
    expect((await call('agent', 'GET', `/api/v1/contacts/${controlId}`)).statusCode).toBe(200);
    const { ProtectedStore } = await import('../../src/platform/data/protected-store.js');
    const { asSystem } = await import('../../src/platform/data/as-system.js');
    const store = new ProtectedStore(install.kernel);
    const exported = await store.list(asSystem('test: export while restricted'), noRequest, 'contacts', { limit: 100, purpose: 'export' });
    expect(exported.items.map((i) => i.id)).not.toContain(controlId);
    expect(exported.items.map((i) => i.id)).toContain(contactId);
    const audience = await store.aggregate(asSystem('test: audience while restricted'), 'contacts', { groupBy: ['id'], excludeRestricted: true });
    expect(audience.map((a) => a.id)).not.toContain(controlId);
    await setRestriction(install.kernel, officer, noRequest, controlSubject, false, { reason: 'accuracy_contested' });
    expect((await call('agent', 'PATCH', `/api/v1/contacts/${controlId}`, { phone: '13700002222' })).statusCode).toBe(200);
    const events = await db()
      .selectFrom('audit_events')
      .select('action')
      .where('action', 'in', ['subject.restricted', 'subject.restriction_lifted'])
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.action)).toEqual(['subject.restricted', 'subject.restriction_lifted']);
    const denied = await call('agent', 'PUT', `/api/v1/subjects/${controlSubject}/restriction`, { restricted: true, reason: 'subject_request' });
    expect(denied.statusCode).toBe(403);
  });

  it('erases the person: a crash between steps is finished on restart, and then nothing finds them', async () => {
    const file = install.kernel.db.file;
    if (dialect === 'sqlite') expect(rawFileHas(planted.nickname), 'the plain custom value is in the file before erasure (the grep can fail)').toBe(true);
    const crash = new Error('injected crash after a step');
    const afterStep = (step: ErasureStep) => {
      if (step === 'custom_values') throw crash;
    };
    await expect(eraseSubject(install.kernel, officer, noRequest, subjectId, { requestId: 'REQ-7731' }, { afterStep })).rejects.toBe(crash);
    const half = await db().selectFrom('subject_erasures').selectAll().where('subject_id', '=', subjectId).executeTakeFirstOrThrow();
    expect([half.status, JSON.parse(half.steps_done)]).toEqual(['running', ['staff_account', 'search_keys', 'custom_values']]);
    // Already after the first step, no search finds the person.
    const searches = { email: planted.email, phone: planted.phone, idNumber: planted.idNumber, name: planted.name };
    for (const [field, value] of Object.entries(searches)) {
      const res = await call('agent', 'POST', '/api/v1/contacts/search', { field, value });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items, `search by ${field} mid-erasure`).toEqual([]);
    }
    expect(await resumeErasures(install.kernel)).toBe(1);
    const done = await db().selectFrom('subject_erasures').selectAll().where('subject_id', '=', subjectId).executeTakeFirstOrThrow();
    expect(done.status).toBe('done');
    const subject = await db().selectFrom('data_subjects').selectAll().where('id', '=', subjectId).executeTakeFirstOrThrow();
    expect(subject.wrapped_key).toBeNull();
    for (const [field, value] of Object.entries(searches)) {
      const res = await call('agent', 'POST', '/api/v1/contacts/search', { field, value });
      expect(res.json().items, `search by ${field} after erasure`).toEqual([]);
    }
    expect((await call('agent', 'POST', '/api/v1/contacts/search', { field: 'email', value: 'control.person@example.org' })).json().items).toHaveLength(1);
    const found = await searchDatabase(target(), Object.values(planted));
    expect(found.hits).toEqual([]);
    if (file) for (const value of Object.values(planted)) expect(rawFileHas(value), `${value} in the raw SQLite file`).toBe(false);
    const events = await db().selectFrom('audit_events').selectAll().where('action', 'like', 'subject.erasure%').execute();
    expect(events.length).toBeGreaterThanOrEqual(erasureStepsCount());
    for (const value of Object.values(planted)) expect(JSON.stringify(events)).not.toContain(value);
  });

  it('erases a staff member: the account is disabled first (its token stops working), then nothing finds them', async () => {
    expect((await call('staff', 'GET', '/api/v1/me')).statusCode).toBe(200);
    const staffSubject = await subjectOf('users', people.staff.id);
    const erased = await eraseSubject(install.kernel, officer, noRequest, staffSubject);
    expect(erased.status).toBe('done');
    const account = await db().selectFrom('users').selectAll().where('id', '=', people.staff.id).executeTakeFirstOrThrow();
    expect(account.status).toBe('disabled');
    expect(account.email_bidx).toMatch(/^erased:/);
    expect((await call('staff', 'GET', '/api/v1/me')).statusCode).toBe(401);
    const disabled = await db()
      .selectFrom('audit_events')
      .select('detail')
      .where('action', '=', 'user.disabled')
      .where('resource_id', '=', people.staff.id)
      .execute();
    expect(disabled.map((e) => JSON.parse(e.detail).reason)).toEqual(['erasure']);
    const found = await searchDatabase(target(), [people.staff.email]);
    expect(found.hits).toEqual([]);
    if (install.kernel.db.file) expect(rawFileHas(people.staff.email), 'the staff e-mail in the raw SQLite file').toBe(false);
  });

  it('keeps a record under legal hold through an erasure, but no search finds the person', async () => {
    const held = await created('agent', '/api/v1/contacts', { name: 'Held Person', email: 'held.person@example.org' });
    const heldSubject = await subjectOf('contacts', held.id);
    const kase = await created('agent', '/api/v1/cases', {
      contactId: held.id,
      category: 'complaint',
      priority: 'p2',
      channel: 'wechat',
      description: 'Disputed invoice 4411',
    });
    const hold = await call('officer', 'POST', `/api/v1/subjects/${heldSubject}/legal-holds`, {
      table: 'cases',
      rowId: kase.id,
      reason: 'litigation',
      note: 'Court case 2026-17',
    });
    expect(hold.statusCode, hold.body).toBe(201);
    const notTheirs = await call('officer', 'POST', `/api/v1/subjects/${heldSubject}/legal-holds`, {
      table: 'contacts',
      rowId: controlId,
      reason: 'litigation',
    });
    expect(notTheirs.statusCode).toBe(404);
    const erased = await eraseSubject(install.kernel, officer, noRequest, heldSubject);
    expect([erased.status, erased.held]).toEqual(['done', 1]);
    expect((await call('agent', 'POST', '/api/v1/contacts/search', { field: 'email', value: 'held.person@example.org' })).json().items).toEqual([]);
    expect((await call('agent', 'GET', `/api/v1/cases/${kase.id}`)).json().description).toBe('Disputed invoice 4411');
    expect((await call('agent', 'GET', `/api/v1/contacts/${held.id}`)).json().email).toBeNull();
    const status = await call('officer', 'GET', `/api/v1/contacts/${held.id}/data-subject`);
    expect(status.json()).toMatchObject({ erased: false, legalHolds: [{ table: 'cases', rowId: kase.id, reason: 'litigation' }] });
    expect(JSON.stringify(await db().selectFrom('subject_legal_holds').selectAll().execute())).not.toContain('Court case');
  });

  it('reads every table of the export plan through an index on subject_id or its via column', async () => {
    const plan = subjectPlan();
    const queries = [
      ...plan.tables.map((t) => ({ table: t.table, compiled: subjectRowsQuery(db(), t, subjectId).compile() })),
      ...plan.dependants.map((d) => ({ table: d.table as string, compiled: dependantRowsQuery(db(), d, [contactId, controlId]).compile() })),
      { table: 'custom_values', compiled: customValuesOfRecords(db(), 'contacts', [contactId, controlId]).compile() },
    ];
    expect(queries.map((q) => q.table)).toEqual(
      expect.arrayContaining(['contacts', 'users', 'cases', 'consents', 'devices', 'custom_values', 'webauthn_credentials', 'subscriptions']),
    );
    for (const { table, compiled } of queries) {
      let plan: string;
      if (dialect === 'sqlite') {
        const rows = await sql.raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${inline(compiled.sql, compiled.parameters)}`).execute(db());
        plan = rows.rows.map((r) => r.detail).join('\n');
        expect(plan, `${table}: ${plan}`).not.toMatch(new RegExp(`SCAN ${table}(?! USING)`));
        expect(plan, `${table}: ${plan}`).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|PRIMARY KEY/);
      } else {
        plan = await db()
          .connection()
          .execute(async (conn) => {
            await sql`SET enable_seqscan = off`.execute(conn);
            const rows = await sql.raw<{ 'QUERY PLAN': string }>(`EXPLAIN ${inline(compiled.sql, compiled.parameters)}`).execute(conn);
            await sql`SET enable_seqscan = on`.execute(conn);
            return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
          });
        expect(plan, `${table}: ${plan}`).not.toContain(`Seq Scan on ${table}`);
        expect(plan, `${table}: ${plan}`).toMatch(/Index/);
      }
    }
  });
});

const erasureStepsCount = () => 7;

/** The compiled query with its parameters inlined as literals (EXPLAIN takes no bind parameters here); ids only. */
function inline(text: string, parameters: readonly unknown[]): string {
  let i = 0;
  return text.replace(/\?|\$\d+/g, (m) => {
    const value = m === '?' ? parameters[i++] : parameters[Number(m.slice(1)) - 1];
    if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]*$/.test(value)) throw new Error('only ids are inlined');
    return `'${value}'`;
  });
}
