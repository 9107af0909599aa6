import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { startBreachEscalationJob } from '../../src/modules/breaches/breach-escalation.job.js';
import { createMailer } from '../../src/platform/notify/mailer.js';
import { testDialects } from '../helpers/databases.js';
import { SmtpInbox, unfold } from '../helpers/smtp-inbox.js';
import { addUser, createTestInstall, type TestInstall, type TestUser, tokenFor } from '../helpers/test-install.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const silentLog = { warn() {}, info() {}, error() {} } as never;

describe.each(testDialects)('the breach register on %s', (dialect) => {
  const inbox = new SmtpInbox();
  let install: TestInstall;
  let app: App;
  let officerToken: string;
  let securityToken: string;
  let agent: TestUser;
  const subjects: Record<'x' | 'y' | 'z', string> = { x: '', y: '', z: '' };
  let t0: number;
  const secret = 'Laptop of Zhang Wei stolen at 13900001111 hotel';

  const call = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const newIncident = async (body: object) => {
    const res = await call(officerToken, 'POST', '/api/v1/breaches', { grade: 'general', description: secret, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; clocks: { kind: string; status: string }[]; personal: { description: string } | null };
  };

  beforeAll(async () => {
    const smtp = await inbox.start();
    vi.useFakeTimers({ toFake: ['Date'] });
    t0 = Date.parse('2026-03-01T08:00:00.000Z');
    vi.setSystemTime(t0);
    install = await createTestInstall(dialect, {
      CASTELLAN_SMTP_URL: smtp,
      CASTELLAN_PUBLIC_URL: 'https://crm.example.com',
      CASTELLAN_INCIDENT_MAIL_TO: 'dpo@example.com',
      CASTELLAN_OPERATOR_KIND: 'cii',
    });
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    officerToken = await tokenFor(install.kernel, await addUser(install.kernel, ['privacy_officer']));
    securityToken = await tokenFor(install.kernel, await addUser(install.kernel, ['security_admin']));
    const rep = await addUser(install.kernel, ['sales_rep'], 'North');
    const repToken = await tokenFor(install.kernel, rep);
    agent = await addUser(install.kernel, ['service_agent']);
    const agentToken = await tokenFor(install.kernel, agent);
    // At t0 the rep creates three contacts.
    const ids: Record<string, string> = {};
    for (const [key, name] of [
      ['x', '王芳'],
      ['y', 'Liu Yang'],
      ['z', 'Chen Jie'],
    ] as const) {
      const res = await call(repToken, 'POST', '/api/v1/contacts', { name, email: `${key}@example.com`, phone: '13900001111' });
      expect(res.statusCode, res.body).toBe(201);
      ids[key] = res.json().id;
      subjects[key] = (
        await install.kernel.db.kysely.selectFrom('contacts').select('subject_id').where('id', '=', ids[key]).executeTakeFirstOrThrow()
      ).subject_id;
    }
    // The rep reads z (creating a record is not an exposure; a read is).
    expect((await call(repToken, 'GET', `/api/v1/contacts/${ids.z}`)).statusCode).toBe(200);
    // Ten minutes later the (compromised) agent reads x and reveals y's phone; z is never touched by it.
    vi.setSystemTime(t0 + 10 * 60_000);
    expect((await call(agentToken, 'GET', `/api/v1/contacts/${ids.x}`)).statusCode).toBe(200);
    const reveal = await call(agentToken, 'POST', `/api/v1/contacts/${ids.y}/reveal`, { fields: ['phone'], reason: 'complaint' });
    expect([200, 403]).toContain(reveal.statusCode);
    if (reveal.statusCode === 403) expect((await call(agentToken, 'GET', `/api/v1/contacts/${ids.y}`)).statusCode).toBe(200);
    vi.setSystemTime(t0 + 20 * 60_000);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
    await inbox.stop();
  });

  it('records an incident with its clocks; the description is sealed and only the officer opens it', async () => {
    const incident = await newIncident({ discoveredAt: new Date(t0 + 15 * 60_000).toISOString(), grade: 'major', categories: ['contact_details'] });
    expect(incident.clocks.map((c) => c.kind)).toEqual(['gdpr_authority', 'cac', 'pipl_subjects']);
    expect(incident.clocks.find((c) => c.kind === 'pipl_subjects')?.status).toBe('overdue');
    expect(incident.personal?.description).toBe(secret);
    const row = await install.kernel.db.kysely.selectFrom('breaches').selectAll().where('id', '=', incident.id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.description_enc as Buffer).toString('latin1')).not.toContain('Zhang Wei');
    const asSecurity = await call(securityToken, 'GET', `/api/v1/breaches/${incident.id}`);
    expect(asSecurity.statusCode).toBe(200);
    expect(asSecurity.json().personal).toBeNull();
    expect(asSecurity.body).not.toContain('Zhang Wei');
    const events = await install.kernel.db.kysely.selectFrom('audit_events').select(['detail', 'action']).where('resource', '=', 'breaches').execute();
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.detail ?? '').not.toContain('Zhang');
  });

  it('refuses bad input and changes nothing', async () => {
    const before = await install.kernel.db.kysely.selectFrom('breaches').select('id').execute();
    const bad = [
      { discoveredAt: 'yesterday', grade: 'general', description: 'x' },
      { discoveredAt: new Date(t0).toISOString(), grade: 'catastrophic', description: 'x' },
      { discoveredAt: new Date(t0).toISOString(), grade: 'general', description: 'x', categories: ['shoe_size'] },
      { discoveredAt: new Date(t0 + 86_400_000).toISOString(), grade: 'general', description: 'x' },
    ];
    for (const payload of bad) expect([400, 422]).toContain((await call(officerToken, 'POST', '/api/v1/breaches', payload)).statusCode);
    expect(await install.kernel.db.kysely.selectFrom('breaches').select('id').execute()).toHaveLength(before.length);
    expect(
      (
        await call(securityToken, 'POST', '/api/v1/breaches/00000000-0000-7000-8000-000000000000/notifications', {
          clock: 'cac',
          notifiedAt: new Date().toISOString(),
        })
      ).statusCode,
    ).toBe(404);
  });

  it('finds the subjects the compromised account read or revealed, and those exposed in a window', async () => {
    const incident = await newIncident({ discoveredAt: new Date(t0 + 15 * 60_000).toISOString() });
    const byAccount = await call(officerToken, 'POST', `/api/v1/breaches/${incident.id}/affected-subjects`, { compromisedUserId: agent.id });
    expect(byAccount.statusCode, byAccount.body).toBe(200);
    expect(byAccount.json().count).toBe(2);
    const list = await call(officerToken, 'GET', `/api/v1/breaches/${incident.id}/affected-subjects`);
    expect(list.json().subjectIds.sort()).toEqual([subjects.x, subjects.y].sort());
    expect(list.body).not.toContain('example.com');
    // A window after the rep's creations holds only the agent's reads.
    const window = { from: new Date(t0 + 5 * 60_000).toISOString(), to: new Date(t0 + 15 * 60_000).toISOString() };
    const byWindow = await call(officerToken, 'POST', `/api/v1/breaches/${incident.id}/affected-subjects`, window);
    expect(byWindow.json().count).toBe(2);
    // The same window written in Beijing time finds the same people.
    const beijing = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
    const byBeijingWindow = await call(officerToken, 'POST', `/api/v1/breaches/${incident.id}/affected-subjects`, {
      from: beijing(t0 + 5 * 60_000),
      to: beijing(t0 + 15 * 60_000),
    });
    expect(byBeijingWindow.json().count).toBe(2);
    // A window over the rep's read of z finds all three.
    const wide = await call(officerToken, 'POST', `/api/v1/breaches/${incident.id}/affected-subjects`, {
      from: new Date(t0 - 60_000).toISOString(),
      to: window.to,
    });
    expect(wide.json().count).toBe(3);
    const all = await call(officerToken, 'GET', `/api/v1/breaches/${incident.id}/affected-subjects?limit=2`);
    expect(all.json().subjectIds).toHaveLength(2);
    expect(all.json().nextCursor).not.toBeNull();
    const view = (await call(officerToken, 'GET', `/api/v1/breaches/${incident.id}`)).json();
    expect(view.affected.count).toBe(3);
    expect(view.categories.map((c: { category: string }) => c.category)).toContain('identity');
    // The security administrator may not find or list them; nothing changes.
    expect((await call(securityToken, 'POST', `/api/v1/breaches/${incident.id}/affected-subjects`, window)).statusCode).toBe(403);
    expect((await call(securityToken, 'GET', `/api/v1/breaches/${incident.id}/affected-subjects`)).statusCode).toBe(403);
    const found = await install.kernel.db.kysely.selectFrom('breach_subjects').select('subject_id').where('breach_id', '=', incident.id).execute();
    expect(found).toHaveLength(3);
    expect((await call(officerToken, 'POST', `/api/v1/breaches/${incident.id}/affected-subjects`, {})).statusCode).toBe(400);
  });

  it('records a notification once; the clock stops', async () => {
    const incident = await newIncident({ discoveredAt: new Date(t0 + 15 * 60_000).toISOString() });
    const notifiedAt = new Date(t0 + 16 * 60_000).toISOString();
    const first = await call(securityToken, 'POST', `/api/v1/breaches/${incident.id}/notifications`, { clock: 'pipl_subjects', notifiedAt });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().clocks.find((c: { kind: string }) => c.kind === 'pipl_subjects')).toMatchObject({ status: 'reported', reportedAt: notifiedAt });
    expect((await call(securityToken, 'POST', `/api/v1/breaches/${incident.id}/notifications`, { clock: 'pipl_subjects', notifiedAt })).statusCode).toBe(409);
    // A general incident has no CAC clock to stop.
    expect((await call(securityToken, 'POST', `/api/v1/breaches/${incident.id}/notifications`, { clock: 'cac', notifiedAt })).statusCode).toBe(422);
    const drafts = (await call(officerToken, 'GET', `/api/v1/breaches/${incident.id}/drafts`)).json().items;
    expect(drafts.map((d: { kind: string; language: string }) => `${d.kind}-${d.language}`)).toEqual(['gdpr-en', 'gdpr-zh', 'cac-en', 'cac-zh']);
    expect(drafts[0].text).toContain(secret);
    const securityDrafts = (await call(securityToken, 'GET', `/api/v1/breaches/${incident.id}/drafts`)).json().items;
    expect(securityDrafts[1].text).not.toContain('Zhang Wei');
  });

  it('records each 50 / 75 / 90 % escalation once under parallel job runs, and mails it without personal values', async () => {
    const base = Date.now();
    // 较大, CII (1 h): discovered 40 minutes ago → the CAC clock is past 50 %, not 75 %.
    const incident = await newIncident({ discoveredAt: new Date(base - 40 * 60_000).toISOString(), grade: 'relatively_major' });
    const mailer = createMailer(install.kernel.config);
    const jobs = [0, 1, 2, 3].map(() => startBreachEscalationJob(install.kernel, mailer, silentLog, 3_600_000));
    const rows = () =>
      install.kernel.db.kysely
        .selectFrom('breach_escalations')
        .select(['clock', 'percent', 'mailed'])
        .where('breach_id', '=', incident.id)
        .orderBy('percent')
        .execute();
    await Promise.all(jobs.map((j) => j.runOnce(new Date(base))));
    expect((await rows()).map((r) => `${r.clock}:${r.percent}`)).toEqual(['cac:50']);
    // Past 90 %: 75 and 90 are added, once each, however many runs race.
    await Promise.all(jobs.map((j) => j.runOnce(new Date(base + 15 * 60_000))));
    await Promise.all(jobs.map((j) => j.runOnce(new Date(base + 16 * 60_000))));
    for (const j of jobs) j.stop();
    const recorded = await rows();
    expect(recorded.map((r) => `${r.clock}:${r.percent}`)).toEqual(['cac:50', 'cac:75', 'cac:90']);
    expect(recorded.every((r) => Number(r.mailed) === 1)).toBe(true);
    const audited = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .select('detail')
      .where('action', '=', 'breach.escalated')
      .where('resource_id', '=', incident.id)
      .execute();
    expect(audited).toHaveLength(3);
    const mails = inbox.mails.filter((m) => unfold(m).includes(incident.id));
    expect(mails).toHaveLength(3);
    for (const m of mails) {
      expect(m.to).toEqual(['dpo@example.com']);
      expect(unfold(m)).not.toContain('Zhang');
    }
  });
});
