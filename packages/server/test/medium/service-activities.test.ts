import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * Activities attached to any record the caller can see, sealed under the key of the person they
 * concern, and the timeline of a record (activities + history, newest first, paged).
 */
describe.each(testDialects)('activities and timelines on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, addCallers } = apiCallers(() => app);
  const db = () => install.kernel.db.kysely as any;
  /** The clock is faked: each step of a timeline gets its own second. */
  const tick = () => vi.setSystemTime(new Date(Date.now() + 1000));
  let contact: string;
  let account: string;
  let caseId: string;

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    await addCallers(install.kernel, {
      manager: [['sales_manager'], 'North'],
      rep: [['sales_rep'], 'North'],
      agent: [['service_agent'], 'Care'],
      otherAgent: [['service_agent'], 'Elsewhere'],
    });
    contact = (await call('manager', 'POST', '/api/v1/contacts', { name: '韩梅梅', phone: '+86 138 0000 1111' })).json().id;
    account = (await call('manager', 'POST', '/api/v1/accounts', { name: '星河传媒', kind: 'advertiser' })).json().id;
    const created = await call('agent', 'POST', '/api/v1/cases', {
      contactId: contact,
      category: 'fault',
      priority: 'p2',
      channel: 'phone',
      description: '机顶盒无信号 since Monday',
    });
    expect(created.statusCode, created.body).toBe(201);
    caseId = created.json().id;
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('attaches an activity to a case and seals it under the case customer key', async () => {
    tick();
    const made = await call('agent', 'POST', '/api/v1/activities', {
      kind: 'call',
      aboutObject: 'cases',
      aboutId: caseId,
      subject: 'Called back about the set-top box',
      body: 'Customer says the light blinks red',
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ contactId: contact, subject: 'Called back about the set-top box', body: 'Customer says the light blinks red' });
    const row = await db().selectFrom('activities').selectAll().where('id', '=', made.json().id).executeTakeFirst();
    const person = await db().selectFrom('contacts').select('subject_id').where('id', '=', contact).executeTakeFirst();
    expect(row.subject_id).toBe(person.subject_id);
    expect(Buffer.from(row.body_enc).includes(Buffer.from('blinks red'))).toBe(false);
    expect(Object.values(row).some((v) => typeof v === 'string' && v.includes('blinks'))).toBe(false);
  });

  it('attaches to a contact directly, and to an account only with the person it concerns', async () => {
    const aboutContact = await call('manager', 'POST', '/api/v1/activities', { kind: 'meeting', aboutObject: 'contacts', aboutId: contact, subject: 'Lunch' });
    expect(aboutContact.statusCode, aboutContact.body).toBe(201);
    expect(aboutContact.json().contactId).toBe(contact);
    const noPerson = await call('manager', 'POST', '/api/v1/activities', {
      kind: 'note',
      aboutObject: 'accounts',
      aboutId: account,
      subject: 'Wants a discount',
    });
    expect(noPerson.statusCode).toBe(422);
    expect(await db().selectFrom('activities').select('id').where('about_id', '=', account).execute()).toHaveLength(0);
    const withPerson = await call('manager', 'POST', '/api/v1/activities', {
      kind: 'task',
      aboutObject: 'accounts',
      aboutId: account,
      contactId: contact,
      subject: 'Send the rate card',
      dueDate: '2026-12-24',
    });
    expect(withPerson.statusCode, withPerson.body).toBe(201);
    const done = await call('manager', 'PATCH', `/api/v1/activities/${withPerson.json().id}`, { done: true });
    expect(done.json()).toMatchObject({ done: true, doneAt: expect.any(String) });
  });

  it('answers 404 for a record the caller cannot see, and refuses what does not fit', async () => {
    const foreign = await call('otherAgent', 'POST', '/api/v1/cases', {
      contactId: contact,
      category: 'billing',
      priority: 'p3',
      channel: 'web',
      description: 'x',
    });
    expect(foreign.statusCode, foreign.body).toBe(201);
    const attempts = [
      ['agent', { kind: 'note', aboutObject: 'cases', aboutId: foreign.json().id, subject: 'peek' }, 404],
      ['agent', { kind: 'note', aboutObject: 'cases', aboutId: '01900000-0000-7000-8000-000000000000', subject: 'ghost' }, 404],
      // A seller holds no cases.read: the case is not found, whatever exists.
      ['rep', { kind: 'note', aboutObject: 'cases', aboutId: caseId, subject: 'peek' }, 404],
      // A seller sees only their own contacts: a colleague's customer is not found either.
      ['rep', { kind: 'note', aboutObject: 'contacts', aboutId: contact, subject: 'peek' }, 404],
      ['agent', { kind: 'note', aboutObject: 'nonsense', aboutId: caseId, subject: 'x' }, 422],
      ['agent', { kind: 'note', aboutObject: 'activities', aboutId: caseId, subject: 'x' }, 422],
      ['agent', { kind: 'call', aboutObject: 'cases', aboutId: caseId, subject: 'x', dueDate: '2026-12-24' }, 422],
      ['manager', { kind: 'note', aboutObject: 'contacts', aboutId: contact, contactId: '01900000-0000-7000-8000-000000000000', subject: 'x' }, 422],
    ] as const;
    const before = (await db().selectFrom('activities').select('id').execute()).length;
    for (const [who, payload, status] of attempts) {
      const res = await call(who, 'POST', '/api/v1/activities', payload);
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(status);
    }
    expect((await db().selectFrom('activities').select('id').execute()).length).toBe(before);
    const mine = (await call('agent', 'GET', `/api/v1/activities?aboutId=${caseId}`)).json().items[0];
    const moved = await call('agent', 'PATCH', `/api/v1/activities/${mine.id}`, { aboutId: account });
    expect(moved.statusCode).toBe(422);
    const reassigned = await call('agent', 'PATCH', `/api/v1/activities/${mine.id}`, { contactId: null });
    expect(reassigned.statusCode).toBe(422);
    expect((await call('otherAgent', 'GET', `/api/v1/activities/${mine.id}`)).statusCode).toBe(404);
  });

  it("shows a record's timeline newest first, activities and history, paged without loss", async () => {
    tick();
    expect((await call('agent', 'PATCH', `/api/v1/cases/${caseId}`, { status: 'open' })).statusCode).toBe(200);
    tick();
    await call('agent', 'POST', '/api/v1/activities', { kind: 'note', aboutObject: 'cases', aboutId: caseId, subject: 'Engineer booked' });
    const whole = await call('agent', 'GET', `/api/v1/timeline/cases/${caseId}?limit=50`);
    expect(whole.statusCode, whole.body).toBe(200);
    const items = whole.json().items as {
      type: string;
      at: string;
      activity?: { subject: string };
      change?: { action: string; changes: Record<string, unknown> };
    }[];
    expect(items.map((i) => i.at)).toEqual([...items.map((i) => i.at)].sort().reverse());
    expect(items.filter((i) => i.type === 'activity').map((i) => i.activity?.subject)).toEqual(['Engineer booked', 'Called back about the set-top box']);
    const changes = items.filter((i) => i.type === 'change').map((i) => i.change);
    expect(changes.map((c) => c?.action)).toEqual(['record.updated', 'record.created']);
    expect(changes[0]?.changes).toMatchObject({ status: 'open', firstResponseAt: expect.any(String) });
    expect(JSON.stringify(items)).not.toContain('机顶盒');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call('agent', 'GET', `/api/v1/timeline/cases/${caseId}?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode, page.body).toBe(200);
      for (const item of page.json().items) seen.push(JSON.stringify(item));
      cursor = page.json().nextCursor;
    } while (cursor && seen.length < 20);
    expect(seen).toEqual(items.map((i) => JSON.stringify(i)));
    expect((await call('otherAgent', 'GET', `/api/v1/timeline/cases/${caseId}`)).statusCode).toBe(404);
    expect((await call('rep', 'GET', `/api/v1/timeline/cases/${caseId}`)).statusCode).toBe(404);
    const person = (await call('agent', 'GET', `/api/v1/timeline/contacts/${contact}`)).json().items;
    const subjects = person.filter((i: { type: string }) => i.type === 'activity').map((i: { activity: { subject: string } }) => i.activity.subject);
    // Everything that concerns the person, whatever it is attached to (this agent's team's activities).
    expect(subjects).toEqual(expect.arrayContaining(['Engineer booked', 'Called back about the set-top box']));
    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'audit.read').execute();
    expect(audit.some((e: { detail: string }) => JSON.parse(e.detail).view === 'record_history')).toBe(true);
  });
});
