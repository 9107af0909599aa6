import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { domainStore } from '../../src/modules/domain-store.js';
import { PrivacyRequestDesk } from '../../src/modules/privacy-requests/privacy-request-desk.js';
import { markRemindersAndOverdue } from '../../src/modules/privacy-requests/privacy-request-reminders.job.js';
import { createMailer } from '../../src/platform/notify/mailer.js';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { SmtpInbox, unfold } from '../helpers/smtp-inbox.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { type TestInstall, type TestUser, tokenFor } from '../helpers/test-install.js';
import { expectSimilarTiming } from '../helpers/timing-parity.js';

/**
 * Data-subject requests end to end over HTTP with real SMTP: the portal answers the same for a
 * person on record and for a stranger; the code is one-time, hashed, limited to five tries even
 * under parallel guesses; the clock starts at verification; the officer's steps, the status table,
 * the extension rules per law, the append-only history, the reminder job (which marks, never closes)
 * and the execute step that answers 409 until subject-data is wired.
 */
describe.each(testDialects)('privacy requests on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const inbox = new SmtpInbox();
  const { call, addCallers, tokens } = apiCallers(() => app);
  let users: Record<string, TestUser>;
  /** Moves the faked clock (integration tokens live a day: fresh ones are made at the new time). */
  const at = async (iso: string) => {
    vi.setSystemTime(new Date(iso));
    for (const [name, user] of Object.entries(users ?? {})) tokens[name] = await tokenFor(install.kernel, user);
  };
  const db = () => install.kernel.db.kysely as any;
  let address = 0;
  const fromNewAddress = () => `198.51.100.${(address++ % 250) + 1}`;
  const portal = (url: string, payload: object) => app.inject({ method: 'POST', url, payload, remoteAddress: fromNewAddress() });
  const codeFor = async (email: string, reference: string): Promise<string> => {
    for (let i = 0; i < 100; i += 1) {
      const mail = inbox.mails.filter((m) => m.to.includes(email) && unfold(m).includes(reference)).at(-1);
      const code = /Verification code: (\d{6})/.exec(unfold(mail))?.[1];
      if (code) return code;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no code mailed to ${email}`);
  };
  const submit = async (email: string, extra: object = {}) => {
    const res = await portal('/api/v1/portal/requests', { kind: 'access', law: 'gdpr', email, ...extra });
    expect(res.statusCode, res.body).toBe(202);
    return res.json() as { status: string; reference: string };
  };

  beforeAll(async () => {
    const smtpUrl = await inbox.start();
    ({ install, app } = await startTestApp(dialect, { CASTELLAN_SMTP_URL: smtpUrl, CASTELLAN_CONTROLLER_TIME_ZONE: 'Europe/Berlin' }));
    vi.setSystemTime(new Date('2026-01-31T10:00:00Z'));
    users = await addCallers(install.kernel, {
      officer: [['privacy_officer'], 'Privacy'],
      manager: [['sales_manager'], 'North'],
      rep: [['sales_rep'], 'North'],
    });
    const contact = await call('manager', 'POST', '/api/v1/contacts', { name: '韩梅梅', email: 'meimei@example.com' });
    expect(contact.statusCode, contact.body).toBe(201);
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
    await inbox.stop();
  });

  it('answers a person on record and a stranger alike, and links only the one on record', async () => {
    const known = await submit('meimei@example.com', { name: '韩梅梅', details: '请提供我的全部个人信息' });
    const stranger = await submit('nobody-here@example.com');
    expect(Object.keys(known)).toEqual(Object.keys(stranger));
    expect(known.status).toBe(stranger.status);
    // Both get a code (each proves they hold their mailbox); neither answer says who is on record.
    expect(await codeFor('meimei@example.com', known.reference)).toMatch(/^\d{6}$/);
    expect(await codeFor('nobody-here@example.com', stranger.reference)).toMatch(/^\d{6}$/);
    const rows = await db().selectFrom('privacy_requests').selectAll().where('id', 'in', [known.reference, stranger.reference]).execute();
    const byId = new Map(rows.map((r: any) => [r.id, r]));
    expect((byId.get(known.reference) as any).contact_id).toEqual(expect.any(String));
    expect((byId.get(stranger.reference) as any).contact_id).toBeNull();
    // Identity and free text are sealed: no plaintext in the row; the code is kept only as a MAC.
    const stored = JSON.stringify(rows, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    for (const plain of ['meimei@example.com', 'nobody-here', '韩梅梅', '请提供']) expect(stored).not.toContain(plain);
    const codes = await db().selectFrom('privacy_request_codes').selectAll().execute();
    const mailedCode = await codeFor('meimei@example.com', known.reference);
    expect(JSON.stringify(codes)).not.toContain(mailedCode);
    // Unknown references and wrong codes answer alike.
    const unknownRef = await portal('/api/v1/portal/requests/verify', { reference: '0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee', code: '123456' });
    const wrong = await portal('/api/v1/portal/requests/verify', { reference: stranger.reference, code: mailedCode === '000000' ? '111111' : '000000' });
    expect(unknownRef.statusCode).toBe(422);
    expect(wrong.statusCode).toBe(422);
    expect(unknownRef.json().error.message).toBe(wrong.json().error.message);
  });

  it('takes about as long for a person on record as for a stranger', async () => {
    const times = await expectSimilarTiming(
      () => submit('meimei@example.com'),
      (i) => submit(`stranger-${i}@example.com`),
      'portal request',
    );
    console.info(`portal request median: on record ${times.known.toFixed(1)} ms, stranger ${times.unknown.toFixed(1)} ms (${dialect})`);
  });

  it('takes at most five tries at a code, however many arrive at once, and a right code verifies once', async () => {
    const { reference } = await submit('guesser@example.com');
    const code = await codeFor('guesser@example.com', reference);
    const wrongCode = code === '999999' ? '999998' : '999999';
    const guesses = await Promise.all(Array.from({ length: 20 }, () => portal('/api/v1/portal/requests/verify', { reference, code: wrongCode })));
    expect(guesses.every((g) => g.statusCode === 422)).toBe(true);
    const row = await db().selectFrom('privacy_request_codes').select('attempts_left').where('request_id', '=', reference).executeTakeFirst();
    expect(Number(row.attempts_left)).toBe(0);
    const failures = await db().selectFrom('audit_events').select('detail').where('action', '=', 'privacy_request.verification_failed').execute();
    const reasons = failures.map((f: { detail: string }) => JSON.parse(f.detail).reason);
    expect(reasons.filter((r: string) => r === 'wrong').length).toBeGreaterThanOrEqual(5);
    // The right code no longer works: the tries are spent.
    expect((await portal('/api/v1/portal/requests/verify', { reference, code })).statusCode).toBe(422);

    const second = await submit('racer@example.com');
    const right = await codeFor('racer@example.com', second.reference);
    const racing = await Promise.all(Array.from({ length: 8 }, () => portal('/api/v1/portal/requests/verify', { reference: second.reference, code: right })));
    expect(racing.filter((r) => r.statusCode === 200)).toHaveLength(1);
  });

  it('starts the clock at verification, and the officer works the request to completion', async () => {
    await at('2026-01-31T23:10:00Z');
    const { reference } = await submit('meimei@example.com', { kind: 'erasure' });
    const before = (await call('officer', 'GET', `/api/v1/privacy-requests/${reference}`)).json();
    expect(before).toMatchObject({ status: 'unverified', dueAt: null, requesterEmail: 'meimei@example.com', source: 'portal' });
    // 23:30 UTC on 31 January is already 1 February in Berlin, the controller's zone.
    await at('2026-01-31T23:30:00Z');
    const code = await codeFor('meimei@example.com', reference);
    const verified = await portal('/api/v1/portal/requests/verify', { reference, code });
    expect(verified.statusCode, verified.body).toBe(200);
    const statusKey = verified.json().statusKey;
    const seen = (await portal('/api/v1/portal/requests/status', { reference, statusKey })).json();
    // GDPR, counted in the controller's zone (Europe/Berlin): verified 1 Feb → due 1 Mar.
    expect(seen).toMatchObject({ status: 'verified', dueDay: '2026-03-01', kind: 'erasure', law: 'gdpr', response: null });
    expect((await portal('/api/v1/portal/requests/status', { reference, statusKey: 'x'.repeat(32) })).statusCode).toBe(404);

    const start = await call('officer', 'POST', `/api/v1/privacy-requests/${reference}/start`, {});
    expect(start.statusCode, start.body).toBe(200);
    // Carrying out an erasure needs a fresh second factor: without one, a clear 403 and nothing changed.
    const execute = await call('officer', 'POST', `/api/v1/privacy-requests/${reference}/execute`);
    expect(execute.statusCode).toBe(403);
    expect(execute.json().error.code).toBe('step_up_required');
    expect(await call('officer', 'POST', `/api/v1/privacy-requests/${reference}/extend`, { reason: ' ' }).then((r) => r.statusCode)).toBe(400);
    const extended = await call('officer', 'POST', `/api/v1/privacy-requests/${reference}/extend`, { reason: 'Records are spread over three archives' });
    expect(extended.statusCode, extended.body).toBe(200);
    expect(extended.json()).toMatchObject({ extended: true, dueDay: '2026-05-01' });
    expect((await call('officer', 'POST', `/api/v1/privacy-requests/${reference}/extend`, { reason: 'again' })).statusCode).toBe(409);
    expect((await call('officer', 'POST', `/api/v1/privacy-requests/${reference}/complete`, {})).statusCode).toBe(422);
    expect(
      (await call('officer', 'POST', `/api/v1/privacy-requests/${reference}/respond`, { response: '已删除您的数据 / Your data was erased' })).statusCode,
    ).toBe(200);
    const done = await call('officer', 'POST', `/api/v1/privacy-requests/${reference}/complete`, {});
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed', closedAt: expect.any(String) });
    expect((await call('officer', 'POST', `/api/v1/privacy-requests/${reference}/respond`, { response: 'changed' })).statusCode).toBe(409);
    const history = (await call('officer', 'GET', `/api/v1/privacy-requests/${reference}/history`)).json().items;
    expect(history.map((e: { step: string }) => e.step)).toEqual(['received', 'code_sent', 'verify', 'start', 'extend', 'respond', 'complete']);
    expect((await portal('/api/v1/portal/requests/status', { reference, statusKey })).json()).toMatchObject({
      status: 'completed',
      response: '已删除您的数据 / Your data was erased',
    });
  });

  it('allows no extension under PIPL and keeps requests from roles without the permission', async () => {
    await at('2026-02-13T02:00:00Z');
    const made = await call('officer', 'POST', '/api/v1/privacy-requests', {
      kind: 'access',
      law: 'pipl',
      requesterEmail: 'walkin@example.com',
      status: 'verified',
    });
    expect(made.statusCode, made.body).toBe(201);
    // 15 working days from Friday 13 Feb 2026 over Spring Festival and two make-up Saturdays: 12 March.
    expect(made.json()).toMatchObject({ status: 'verified', dueDay: '2026-03-12', source: 'staff' });
    const extend = await call('officer', 'POST', `/api/v1/privacy-requests/${made.json().id}/extend`, { reason: 'busy' });
    expect(extend.statusCode).toBe(422);
    expect((await call('rep', 'GET', `/api/v1/privacy-requests/${made.json().id}`)).statusCode).toBe(403);
    expect((await call('rep', 'GET', '/api/v1/privacy-requests')).statusCode).toBe(403);
    expect(
      (await call('officer', 'POST', '/api/v1/privacy-requests', { kind: 'access', law: 'pipl', requesterEmail: 'x@example.com', status: 'completed' }))
        .statusCode,
    ).toBe(422);
  });

  it('marks reminders and overdue, never closes an overdue request, and lists it first', async () => {
    await at('2026-03-02T08:00:00Z');
    const made = await call('officer', 'POST', '/api/v1/privacy-requests', {
      kind: 'objection',
      law: 'ccpa',
      requesterEmail: 'late@example.com',
      status: 'verified',
    });
    const id = made.json().id;
    expect(made.json()).toMatchObject({ dueDay: '2026-04-16', reminderStage: 0, overdue: false });
    const assigned = await call('officer', 'POST', `/api/v1/privacy-requests/${id}/assign`, { assigneeId: users.officer?.id });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const store = domainStore(install.kernel);
    const desk = new PrivacyRequestDesk(install.kernel, store, createMailer(install.kernel.config));
    await at('2026-04-14T12:00:00Z');
    await markRemindersAndOverdue(store, desk);
    expect((await call('officer', 'GET', `/api/v1/privacy-requests/${id}`)).json()).toMatchObject({ reminderStage: 2, overdue: false, status: 'verified' });
    await at('2026-04-17T12:00:00Z');
    const run = await markRemindersAndOverdue(store, desk);
    expect(run.overdue).toBeGreaterThanOrEqual(1);
    const late = (await call('officer', 'GET', `/api/v1/privacy-requests/${id}`)).json();
    expect(late).toMatchObject({ reminderStage: 3, overdue: true, status: 'verified', closedAt: null });
    const again = await markRemindersAndOverdue(store, desk);
    expect(again).toMatchObject({ reminded: 0, overdue: 0 });
    const steps = (await call('officer', 'GET', `/api/v1/privacy-requests/${id}/history`)).json().items.map((e: { step: string }) => e.step);
    // A week ahead was missed while nobody ran the job: one reminder at three days, one at a day with the overdue mark.
    expect(steps).toEqual(['received', 'assign', 'reminder', 'reminder', 'overdue']);
    const overdueList = (await call('officer', 'GET', '/api/v1/privacy-requests?overdue=true')).json().items;
    expect(overdueList.map((r: { id: string }) => r.id)).toContain(id);
    // The assignee got one mail per recorded reminder and the overdue notice: the reference and due time, no requester value.
    const toAssignee = inbox.mails.filter((m) => m.to.includes(users.officer?.email ?? '?') && unfold(m).includes(id));
    expect(toAssignee.map((m) => /must be answered by|is past its due date/.exec(unfold(m))?.[0])).toEqual(['must be answered by', 'is past its due date']);
    for (const m of toAssignee) expect(unfold(m)).not.toContain('late@example.com');
    // The workload dashboard counts it as overdue under its law; a role without the permission is refused.
    const workload = await call('officer', 'GET', '/api/v1/dashboards/privacy-requests');
    expect(workload.statusCode, workload.body).toBe(200);
    const ccpa = workload.json().items.find((w: { law: string }) => w.law === 'ccpa');
    expect(ccpa.overdue).toBeGreaterThanOrEqual(1);
    expect(ccpa.open).toBeGreaterThanOrEqual(ccpa.overdue);
    expect(workload.body).not.toContain('late@example.com');
    expect((await call('rep', 'GET', '/api/v1/dashboards/privacy-requests')).statusCode).toBe(403);
  });
});
