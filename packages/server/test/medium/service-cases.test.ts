import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCaseEscalationJob } from '../../src/modules/cases/case-escalation.job.js';
import { domainStore } from '../../src/modules/domain-store.js';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * Service cases (工单) over HTTP: the SLA clocks against the faked clock (response and resolution
 * targets at their exact edge, paused while waiting on the customer), escalation of breached cases
 * (audited, in the case's history), the status table, close only with a resolution, satisfaction
 * once resolved, record scope (404 for another team) and the SLA dashboard from what one may see.
 */
describe.each(testDialects)('service cases on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, created, addCallers } = apiCallers(() => app);
  const db = () => install.kernel.db.kysely as any;
  const advance = (minutes: number) => vi.setSystemTime(new Date(Date.now() + minutes * 60_000));
  let contact: string;
  const newCase = (who: string, priority: string, extra: object = {}) =>
    created(who, '/api/v1/cases', { contactId: contact, category: 'fault', priority, channel: 'phone', description: '电视没有信号 已重启', ...extra });

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    await addCallers(install.kernel, {
      manager: [['sales_manager'], 'North'],
      agent: [['service_agent'], 'Care'],
      mate: [['service_agent'], 'Care'],
      otherAgent: [['service_agent'], 'Elsewhere'],
      marketing: [['marketing'], 'Brand'],
    });
    contact = (await call('manager', 'POST', '/api/v1/contacts', { name: '李雷', phone: '+86 139 1234 5678' })).json().id;
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('computes the response clock at read, to the edge, and escalates a breached case once, audited', async () => {
    const made = await newCase('agent', 'p1');
    expect(made).toMatchObject({ status: 'new', escalationLevel: 0, responseBreached: false, hasResolution: false });
    expect(made.description).toBe('电视没有信号 已重启');
    advance(60);
    const atEdge = (await call('mate', 'GET', `/api/v1/cases/${made.id}`)).json();
    expect(atEdge.sla).toMatchObject({ responseBreached: false, escalationDue: 0 });
    vi.setSystemTime(new Date(Date.now() + 1000));
    const late = (await call('mate', 'GET', `/api/v1/cases/${made.id}`)).json();
    expect(late.sla).toMatchObject({ responseBreached: true, resolutionBreached: false, escalationDue: 1 });
    expect(late.escalationLevel).toBe(0);
    const escalated = await call('agent', 'POST', '/api/v1/cases/escalate-breached');
    expect(escalated.statusCode, escalated.body).toBe(200);
    expect(escalated.json().escalated).toEqual([{ id: made.id, escalationLevel: 1 }]);
    const again = await call('agent', 'POST', '/api/v1/cases/escalate-breached');
    expect(again.json().escalated).toEqual([]);
    const stored = (await call('agent', 'GET', `/api/v1/cases/${made.id}`)).json();
    expect(stored).toMatchObject({ escalationLevel: 1, escalatedAt: expect.any(String), responseBreached: true });
    const events = await db().selectFrom('audit_events').selectAll().where('resource_id', '=', made.id).where('action', '=', 'record.updated').execute();
    expect(events.map((e: { detail: string }) => JSON.parse(e.detail).diff)).toEqual([expect.objectContaining({ escalationLevel: 1, responseBreached: true })]);
    // Another team's desk sees nothing of it, and its escalation run does not touch it.
    expect((await call('otherAgent', 'GET', `/api/v1/cases/${made.id}`)).statusCode).toBe(404);
    expect((await call('otherAgent', 'POST', '/api/v1/cases/escalate-breached')).json()).toEqual({ checked: 0, escalated: [] });
    advance(4 * 60);
    expect((await call('agent', 'POST', '/api/v1/cases/escalate-breached')).json().escalated).toEqual([{ id: made.id, escalationLevel: 2 }]);
  });

  it('stops the resolution clock while waiting on the customer and counts only our time', async () => {
    const c = await newCase('agent', 'p1');
    advance(30);
    expect((await call('agent', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'waiting_customer' })).json()).toMatchObject({
      firstResponseAt: expect.any(String),
      pausedSince: expect.any(String),
    });
    advance(5 * 60);
    const waiting = (await call('agent', 'GET', `/api/v1/cases/${c.id}`)).json();
    expect(waiting.sla).toMatchObject({ paused: true, resolutionBreached: false, responseBreached: false, pausedSeconds: 5 * 3600 });
    const back = (await call('agent', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'open' })).json();
    expect(back).toMatchObject({ pausedSince: null, pausedSeconds: 5 * 3600, resolutionBreached: false });
    // 30 minutes before the pause; p1 resolves in 4 h: the edge is 3.5 h from now.
    advance(3 * 60 + 30);
    expect((await call('agent', 'GET', `/api/v1/cases/${c.id}`)).json().sla.resolutionBreached).toBe(false);
    advance(1);
    expect((await call('agent', 'GET', `/api/v1/cases/${c.id}`)).json().sla.resolutionBreached).toBe(true);
  });

  it('closes only with a resolution, keeps closed final, reopens from resolved, takes satisfaction once resolved', async () => {
    const c = await newCase('agent', 'p3', { status: 'open' });
    expect(c.firstResponseAt).toEqual(expect.any(String));
    const refused = [
      [{ status: 'closed' }, 422, 'resolution'],
      [{ satisfaction: 5 }, 422, 'once the case is resolved'],
      [{ satisfaction: 6 }, 400, ''],
      [{ status: 'nonsense' }, 400, ''],
      [{ escalationLevel: 0 }, 400, ''],
    ] as const;
    for (const [patch, status, message] of refused) {
      const res = await call('agent', 'PATCH', `/api/v1/cases/${c.id}`, patch);
      expect(res.statusCode, `${JSON.stringify(patch)}: ${res.body}`).toBe(status);
      expect(res.json().error.message).toContain(message);
    }
    expect((await call('agent', 'GET', `/api/v1/cases/${c.id}`)).json().updatedAt).toBe(c.updatedAt);
    advance(5);
    const resolved = (await call('agent', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'resolved', resolution: '更换了智能卡' })).json();
    expect(resolved).toMatchObject({ status: 'resolved', hasResolution: true, resolvedAt: expect.any(String), resolution: '更换了智能卡' });
    const reopened = await call('agent', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'open' });
    expect(reopened.json()).toMatchObject({ status: 'open', resolvedAt: null });
    await call('agent', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'resolved' });
    const closed = await call('agent', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'closed', satisfaction: 4 });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', satisfaction: 4, closedAt: expect.any(String) });
    const final = await call('agent', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'open' });
    expect(final.statusCode).toBe(409);
    expect(final.json().error.message).toContain('a closed case cannot become open');
    const row = await db().selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirst();
    expect(Object.values(row).some((v) => typeof v === 'string' && (v.includes('智能卡') || v.includes('信号')))).toBe(false);
    const start = await call('agent', 'POST', '/api/v1/cases', {
      contactId: contact,
      category: 'fault',
      priority: 'p1',
      channel: 'web',
      description: 'x',
      status: 'closed',
    });
    expect(start.statusCode).toBe(422);
  });

  it('lets only one of two parallel status changes of a case win, or applies them one after the other', async () => {
    for (let round = 0; round < 8; round += 1) {
      const c = await newCase('agent', 'p4', { status: 'open' });
      const [resolve, wait] = await Promise.all([
        call('agent', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'resolved', resolution: 'Reset the smart card' }),
        call('mate', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'waiting_customer' }),
      ]);
      const codes = [resolve.statusCode, wait.statusCode];
      expect(
        codes.every((code) => code === 200 || code === 409),
        JSON.stringify(codes),
      ).toBe(true);
      expect(codes).toContain(200);
      const row = await db().selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirst();
      // The plain flag always says whether a resolution is stored; the clock agrees with the status.
      expect(Boolean(Number(row.has_resolution))).toBe(row.resolution_enc !== null);
      if (codes.every((code) => code === 200)) expect(row.status).toBe('resolved'); // waiting, then resolved: the only order where both land
      if (row.status === 'resolved') expect(row.resolved_at).not.toBeNull();
      if (row.status === 'waiting_customer') expect([row.resolved_at, Boolean(Number(row.has_resolution))]).toEqual([null, false]);
      await call('agent', 'DELETE', `/api/v1/cases/${c.id}`);
    }
  });

  it('reports SLA compliance by priority from the cases the caller may see', async () => {
    const dash = await call('mate', 'GET', '/api/v1/dashboards/case-sla');
    expect(dash.statusCode, dash.body).toBe(200);
    const byPriority = Object.fromEntries(dash.json().items.map((i: { priority: string }) => [i.priority, i]));
    expect(byPriority.p1).toMatchObject({
      total: 2,
      open: 2,
      breached: 2,
      withinSla: 0,
      response: { met: 1, breached: 1, compliancePct: 50 },
      resolution: { met: 0, breached: 2, compliancePct: 0 },
    });
    expect(byPriority.p2).toMatchObject({ total: 0 });
    expect(byPriority.p3).toMatchObject({ total: 1, open: 0, breached: 0, withinSla: 1, response: { met: 1, compliancePct: 100 }, resolution: { met: 1 } });
    expect(byPriority.p4).toMatchObject({ total: 0, response: { compliancePct: null } });
    const other = (await call('otherAgent', 'GET', '/api/v1/dashboards/case-sla')).json();
    expect(other.items.reduce((n: number, i: { total: number }) => n + i.total, 0)).toBe(0);
    expect((await call('marketing', 'GET', '/api/v1/dashboards/case-sla')).statusCode).toBe(403);
    const later = (
      await call('mate', 'GET', `/api/v1/dashboards/case-sla?createdFrom=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
    ).json();
    expect(later.items.reduce((n: number, i: { total: number }) => n + i.total, 0)).toBe(0);
  });

  it('escalates breached cases of every team in the background, as the system, audited, logging counts only', async () => {
    const c = await newCase('otherAgent', 'p1');
    advance(61);
    const logged: unknown[] = [];
    const log = { warn: (...args: unknown[]) => logged.push(args), error: (...args: unknown[]) => logged.push(args) } as never;
    const job = startCaseEscalationJob(domainStore(install.kernel), log, 3600_000);
    try {
      const result = await job.runOnce();
      expect(result.escalated).toEqual(expect.arrayContaining([{ id: c.id, escalationLevel: 1 }]));
    } finally {
      job.stop();
    }
    expect((await call('otherAgent', 'GET', `/api/v1/cases/${c.id}`)).json()).toMatchObject({ escalationLevel: 1 });
    const event = await db().selectFrom('audit_events').selectAll().where('resource_id', '=', c.id).where('action', '=', 'record.updated').executeTakeFirst();
    expect(event.actor_kind).toBe('system');
    expect(JSON.stringify(logged)).not.toContain('电视');
    expect(JSON.stringify(logged)).toContain('"count"');
  });
});
