import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';

type App = Awaited<ReturnType<typeof buildApp>>;
interface EventItem {
  seq: number;
  at: string;
  actorKind: string;
  actorId: string | null;
  action: string;
  outcome: string;
  resource: string | null;
  resourceId: string | null;
  subjectIds: string[];
  fields: string[];
  requestId: string | null;
  detail: Record<string, unknown> | null;
  hash: string;
  prevHash: string;
}

describe.each(testDialects)('reading the audit trail on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let auditor: TestUser;
  let auditorToken: string;
  let repA: TestUser;
  let repAToken: string;
  let repBToken: string;
  let privacyToken: string;
  let privacyOfficer: TestUser;
  let manager: TestUser;
  let managerToken: string;
  let managerSession: Client;
  let contactId: string;
  let otherContactId: string;
  let subjectId: string;
  /** The first moment of the second phase (the manager's session and reveal). */
  let boundary: string;
  const reason = 'complaint';
  const note = 'Wang Fang asked for a call back on 13900001111 about the renewal';

  const nextStep = () => vi.setSystemTime(new Date(Date.now() + 61_000));
  const bearer = (token: string, url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const asAuditor = async (query: string) => {
    const res = await bearer(auditorToken, `/api/v1/audit-events?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: EventItem[]; nextCursor: string | null };
  };
  /** Every page of a query, following the cursor. */
  const allPages = async (query: string, limit: number) => {
    const items: EventItem[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 500; guard += 1) {
      const page: { items: EventItem[]; nextCursor: string | null } = await asAuditor(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('cursor never ended');
  };
  const dbEvents = () => install.kernel.db.kysely.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').execute();

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    auditor = await addUser(install.kernel, ['audit_admin']);
    auditorToken = await tokenFor(install.kernel, auditor);
    repA = await addUser(install.kernel, ['sales_rep'], 'North');
    repAToken = await tokenFor(install.kernel, repA);
    const repB = await addUser(install.kernel, ['sales_rep'], 'South');
    repBToken = await tokenFor(install.kernel, repB);
    manager = await addUser(install.kernel, ['sales_manager'], 'North');
    managerToken = await tokenFor(install.kernel, manager);
    privacyOfficer = await addUser(install.kernel, ['privacy_officer']);
    privacyToken = await tokenFor(install.kernel, privacyOfficer);

    // Phase 1: the rep creates, reads and searches.
    const create = async (payload: object) => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/contacts', headers: { authorization: `Bearer ${repAToken}` }, payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    contactId = await create({ name: '王芳', email: 'wang.fang@example.com', phone: '13900001111' });
    otherContactId = await create({ name: 'Liu Yang', email: 'liu.yang@example.com' });
    subjectId = (await install.kernel.db.kysely.selectFrom('contacts').select('subject_id').where('id', '=', contactId).executeTakeFirstOrThrow()).subject_id;
    expect((await bearer(repAToken, `/api/v1/contacts/${contactId}`)).statusCode).toBe(200);
    expect((await bearer(repAToken, '/api/v1/contacts?email=wang.fang@example.com')).json().items).toHaveLength(1);

    // Phase 2, ten minutes later: the manager signs in with TOTP and reveals the phone with a reason.
    vi.setSystemTime(new Date(Date.now() + 10 * 60_000));
    boundary = new Date().toISOString();
    managerSession = new Client(app);
    nextStep();
    const login = await managerSession.call('POST', '/api/v1/auth/login', { email: manager.email, password: USER_PASSWORD });
    expect(login.json().sessionKind).toBe('restricted');
    const start = await managerSession.call('POST', '/api/v1/me/mfa/totp');
    const confirm = await managerSession.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(start.json().secret) });
    expect(confirm.json().sessionKind).toBe('full');
    const revealed = await managerSession.call('POST', `/api/v1/contacts/${contactId}/reveal`, { fields: ['phone'], reason, note });
    expect(revealed.statusCode, revealed.body).toBe(200);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  it('filters by actor: the user through sessions and tokens, and nobody else', async () => {
    const items = await allPages(`actor=${repA.id}`, 200);
    expect(items.length).toBeGreaterThan(0);
    for (const e of items) expect(e.actorId?.split('/')[0]).toBe(repA.id);
    expect(new Set(items.map((e) => e.action))).toEqual(new Set(['record.created', 'personal_data.read', 'personal_data.search']));
    const expected = (await dbEvents()).filter((e) => e.actor_id === repA.id || e.actor_id?.startsWith(`${repA.id}/`)).map((e) => Number(e.seq));
    expect(items.map((e) => e.seq)).toEqual(expected);
    // Columns come back parsed.
    const created = items.find((e) => e.action === 'record.created' && e.resourceId === contactId);
    expect(created).toMatchObject({ actorKind: 'token', outcome: 'success', resource: 'contacts', subjectIds: [subjectId] });
    expect(created?.fields).toEqual(expect.arrayContaining(['name', 'email', 'phone']));
    expect(created?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters by data subject, and by contact (its subject)', async () => {
    const bySubject = await allPages(`subject=${subjectId}`, 200);
    for (const e of bySubject) expect(e.subjectIds).toContain(subjectId);
    expect(bySubject.map((e) => e.action)).toEqual(
      expect.arrayContaining(['record.created', 'personal_data.read', 'personal_data.search', 'personal_data.reveal']),
    );
    const byContact = await allPages(`contact=${contactId}`, 200);
    // The subject query above is itself an audit.read naming the subject; the rest is the same list.
    const notAuditReads = (list: EventItem[]) => list.filter((e) => e.action !== 'audit.read').map((e) => e.seq);
    expect(notAuditReads(byContact)).toEqual(notAuditReads(bySubject));
    expect(byContact.filter((e) => e.action === 'audit.read').length).toBeGreaterThan(0);
    const other = await asAuditor(`contact=${otherContactId}&action=personal_data.reveal`);
    expect(other.items).toEqual([]);
  });

  it('filters by exact action and by an action prefix', async () => {
    const personal = await allPages('action=personal_data.*', 200);
    expect(personal.length).toBeGreaterThan(0);
    for (const e of personal) expect(e.action.startsWith('personal_data.')).toBe(true);
    expect(new Set(personal.map((e) => e.action))).toEqual(new Set(['personal_data.read', 'personal_data.search', 'personal_data.reveal']));
    const reveals = await asAuditor('action=personal_data.reveal');
    expect(reveals.items).toHaveLength(1);
    expect(reveals.items[0]).toMatchObject({
      actorId: manager.id,
      actorKind: 'user',
      fields: ['phone'],
      detail: { reason, note: 'sealed' },
      subjectIds: [subjectId],
      ip: expect.stringMatching(/^ip:[0-9a-f]{16}$/),
      userAgent: expect.stringMatching(/^ua:[0-9a-f]{16}$/),
      // The audit administrator holds audit.personal: the sealed details in the clear.
      personal: { ip: '127.0.0.1', userAgent: 'lightMyRequest', note, intact: true },
    });
    expect(JSON.stringify(reveals.items[0]?.detail)).not.toContain('13900001111');
    // A prefix is a whole segment: "personal.*" is not "personal_data.*".
    expect((await asAuditor('action=personal.*')).items).toEqual([]);
    const auth = await allPages('action=auth.*&outcome=success', 200);
    expect(auth.map((e) => e.action)).toEqual(expect.arrayContaining(['auth.login.succeeded', 'auth.mfa.enrolled']));
    for (const e of auth) expect(e).toMatchObject({ outcome: 'success' });
    const bad = await bearer(auditorToken, '/api/v1/audit-events?action=personal_data%25');
    expect(bad.statusCode).toBe(400);
  });

  it('filters by time range: from is inclusive, to exclusive', async () => {
    const all = await dbEvents();
    const after = await allPages(`from=${boundary}`, 200);
    const before = await allPages(`to=${boundary}`, 200);
    for (const e of after) expect(e.at >= boundary).toBe(true);
    for (const e of before) expect(e.at < boundary).toBe(true);
    expect(after.map((e) => e.action)).toContain('personal_data.reveal');
    expect(after.map((e) => e.action)).not.toContain('record.created');
    expect(before.map((e) => e.action)).toContain('record.created');
    expect(before.map((e) => e.seq)).toEqual(all.filter((e) => e.at < boundary).map((e) => Number(e.seq)));
    // The clock stands still between steps: phase 2 happened at boundary + 61 s exactly.
    const later = (ms: number) => new Date(Date.parse(boundary) + ms).toISOString();
    expect(await allPages(`from=${boundary}&to=${later(61_000)}`, 200)).toEqual([]);
    const window = await allPages(`from=${later(61_000)}&to=${later(61_001)}&action=auth.*`, 200);
    expect(window.map((e) => e.action)).toEqual(expect.arrayContaining(['auth.login.succeeded', 'auth.mfa.enrolled']));
    expect(window.map((e) => e.action)).not.toContain('personal_data.reveal');
    const inverted = await bearer(auditorToken, `/api/v1/audit-events?from=${new Date().toISOString()}&to=${boundary}`);
    expect(inverted.statusCode).toBe(400);
    expect((await bearer(auditorToken, '/api/v1/audit-events?from=yesterday')).statusCode).toBe(400);
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const expected = (await dbEvents()).filter((e) => e.actor_id?.startsWith(`${repA.id}/`)).map((e) => Number(e.seq));
    expect(expected.length).toBeGreaterThan(3);
    const paged = await allPages(`actor=${repA.id}`, 2);
    expect(paged.map((e) => e.seq)).toEqual(expected);
    const first = await asAuditor('limit=3');
    expect(first.items).toHaveLength(3);
    expect(first.items[0]!.seq).toBeGreaterThan(first.items[1]!.seq);
    const second = await asAuditor(`limit=3&cursor=${first.nextCursor}`);
    expect(second.items[0]!.seq).toBeLessThan(first.items[2]!.seq);
    expect((await bearer(auditorToken, '/api/v1/audit-events?cursor=bm9wZQ')).statusCode).toBe(400);
    expect((await bearer(auditorToken, '/api/v1/audit-events?limit=201')).statusCode).toBe(400);
  });

  it('audits reading the log, with the query and the events shown', async () => {
    const res = await bearer(auditorToken, `/api/v1/audit-events?subject=${subjectId}&action=personal_data.*&limit=5`);
    expect(res.statusCode).toBe(200);
    const shown: EventItem[] = res.json().items;
    const event = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', String(res.headers['x-request-id']))
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ action: 'audit.read', outcome: 'success', actor_kind: 'token', resource: 'audit_events' });
    expect(event.actor_id?.startsWith(`${auditor.id}/`)).toBe(true);
    expect(JSON.parse(String(event.subject_ids))).toEqual([subjectId]);
    expect(JSON.parse(String(event.detail))).toMatchObject({
      view: 'audit_events',
      query: { subject: subjectId, action: 'personal_data.*', limit: 5 },
      count: shown.length,
      newestSeq: shown[0]?.seq,
      oldestSeq: shown.at(-1)?.seq,
    });
    const indexed = await install.kernel.db.kysely.selectFrom('audit_subjects').select('subject_id').where('seq', '=', event.seq).execute();
    expect(indexed.map((r) => r.subject_id)).toEqual([subjectId]);
  });

  it('is for the audit administrator only', async () => {
    const refused = await bearer(managerToken, '/api/v1/audit-events');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect((await bearer(repAToken, '/api/v1/audit-events')).statusCode).toBe(403);
    expect((await managerSession.call('GET', '/api/v1/audit-events')).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/audit-events' })).statusCode).toBe(401);
    // ...who in turn sees no customer: not the contact, nor its accesses.
    expect((await bearer(auditorToken, `/api/v1/contacts/${contactId}/accesses`)).statusCode).toBe(403);
  });

  it('shows who has seen a contact to audit and privacy roles only (403 for others, whatever the id; 404 for an unknown contact)', async () => {
    // Staff who may read the contact, even its owner and their manager, do not see who else looked at it.
    for (const token of [repAToken, managerToken, repBToken]) {
      for (const id of [contactId, otherContactId, '01a22885-0a4d-7f08-9296-cdbe0f87e732']) {
        const refused = await bearer(token, `/api/v1/contacts/${id}/accesses`);
        expect(refused.statusCode, refused.body).toBe(403);
        expect(refused.json().error.code).toBe('forbidden');
      }
    }
    expect((await managerSession.call('GET', `/api/v1/contacts/${contactId}/accesses`)).statusCode).toBe(403);
    const outsider = await bearer(repBToken, `/api/v1/contacts/${contactId}/accesses`);
    // The privacy officer may; an unknown contact is not found.
    expect((await bearer(privacyToken, '/api/v1/contacts/01a22885-0a4d-7f08-9296-cdbe0f87e732/accesses')).statusCode).toBe(404);

    const res = await bearer(privacyToken, `/api/v1/contacts/${contactId}/accesses`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as {
      seq: number;
      at: string;
      actor: { kind: string; id: string; userId: string };
      action: string;
      fields: string[];
      reason: string | null;
      note: string | null;
      requestId: string;
      ip: string;
      userAgent: string;
    }[];
    for (const item of items) expect(item.action.startsWith('personal_data.')).toBe(true);
    expect(items[0]).toMatchObject({
      action: 'personal_data.reveal',
      actor: { kind: 'user', id: manager.id, userId: manager.id },
      fields: ['phone'],
      reason,
      note,
      ip: '127.0.0.1',
      userAgent: 'lightMyRequest',
    });
    expect(items[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const byRep = items.filter((i) => i.actor.userId === repA.id);
    expect(byRep.map((i) => i.action).sort()).toEqual(['personal_data.read', 'personal_data.search']);
    expect(byRep.every((i) => i.actor.kind === 'token' && i.reason === null && i.note === null)).toBe(true);
    expect(byRep.find((i) => i.action === 'personal_data.read')?.fields).toEqual(expect.arrayContaining(['name', 'email', 'phone']));

    // Pages follow the cursor.
    const first = await bearer(privacyToken, `/api/v1/contacts/${contactId}/accesses?limit=1`);
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toEqual([items[0]]);
    const rest = await bearer(privacyToken, `/api/v1/contacts/${contactId}/accesses?limit=50&cursor=${first.json().nextCursor}`);
    expect(rest.json().items.map((i: { seq: number }) => i.seq)).toEqual(items.slice(1).map((i) => i.seq));
    expect(rest.json().nextCursor).toBeNull();

    // Looking at the list is itself audited, naming the subject.
    const event = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', String(res.headers['x-request-id']))
      .executeTakeFirstOrThrow();
    expect(event.actor_id?.startsWith(`${privacyOfficer.id}/`)).toBe(true);
    expect(event).toMatchObject({ action: 'audit.read', resource: 'audit_events' });
    expect(JSON.parse(String(event.subject_ids))).toEqual([subjectId]);
    expect(JSON.parse(String(event.detail))).toMatchObject({ view: 'contact_accesses', contactId, count: items.length });
    // ...and the refusal is an audit event too.
    const refusal = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', String(outsider.headers['x-request-id']))
      .executeTakeFirstOrThrow();
    expect(refusal).toMatchObject({ action: 'access.refused', resource_id: contactId });
  });

  it("keeps a deleted contact's history reachable for the auditor, not through the contact", async () => {
    const gone = await app.inject({ method: 'DELETE', url: `/api/v1/contacts/${otherContactId}`, headers: { authorization: `Bearer ${managerToken}` } });
    expect(gone.statusCode).toBe(204);
    expect((await bearer(privacyToken, `/api/v1/contacts/${otherContactId}/accesses`)).statusCode).toBe(404);
    const history = await allPages(`contact=${otherContactId}`, 200);
    expect(history.map((e) => e.action)).toEqual(expect.arrayContaining(['record.deleted', 'record.created']));
  });
});
