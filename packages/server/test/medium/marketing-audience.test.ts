import { defaultRoles, fieldCatalogue } from '@castellan/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { changeRole } from '../../src/platform/identity/role-admin.js';
import { createMailer } from '../../src/platform/notify/mailer.js';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep, type TotpSessions } from '../helpers/totp-sessions.js';

/**
 * The consent ledger and campaign audiences, attacked: an audience only ever holds people the caller
 * may see, matching the filters, with a valid consent for the campaign's purpose AND channel — a
 * withdrawal (recorded by another team), a consent for another channel or purpose, an expired one,
 * a contact of another team are all left out; the audience and its CSV export obey masking and are
 * audited with their count and purpose.
 */
describe.each(testDialects)('consent-filtered campaign audiences on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let sessions: TotpSessions;
  const { call, created, addCallers } = apiCallers(() => app);
  const db = () => install.kernel.db.kysely as any;
  let marketer: { email: string };
  let account: string;
  const people: Record<string, string> = {};
  let campaign: string;

  const consent = (who: string, contactId: string, extra: object) =>
    created(who, '/api/v1/consents', {
      contactId,
      purpose: 'newsletter',
      channel: 'email',
      status: 'granted',
      at: '2026-01-05T09:00:00Z',
      source: 'web_form',
      evidence: 'Form #4471, ticked box',
      ...extra,
    });

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
    // This installation's marketing sees its own team's contacts only, so that another team's person can be tried.
    await changeRole(install.kernel, createMailer(install.kernel.config), asSystem('test: a team-scoped marketing role'), noRequest, 'marketing', {
      scope: { ...defaultRoles.marketing.scope, contacts: 'team' },
    });
    ({ marketing: marketer } = await addCallers(install.kernel, {
      seller: [['sales_manager'], 'North'],
      southSeller: [['sales_manager'], 'South'],
      agent: [['service_agent'], 'Care'],
      otherAgent: [['service_agent'], 'Care 2'],
      marketing: [['marketing'], 'North'],
      otherMarketing: [['marketing'], 'Brand'],
    }));
    account = (await call('seller', 'POST', '/api/v1/accounts', { name: 'Readers Club', kind: 'partner' })).json().id;
    for (const [key, name] of [
      ['granted', '王芳'],
      ['granted2', '赵敏'],
      ['withdrawn', '周杰'],
      ['otherChannel', '陈晨'],
      ['otherPurpose', '刘洋'],
      ['expired', '黄磊'],
      ['none', '孙丽'],
      ['noAccount', '吴迪'],
    ] as const) {
      const res = await call('seller', 'POST', '/api/v1/contacts', {
        name,
        email: `${key.toLowerCase()}@readers.example`,
        ...(key === 'noAccount' ? {} : { accountId: account }),
      });
      expect(res.statusCode, res.body).toBe(201);
      people[key] = res.json().id;
    }
    people.south = (await call('southSeller', 'POST', '/api/v1/contacts', { name: '郑爽', email: 'south@readers.example' })).json().id;
    await consent('agent', people.granted!, {});
    await consent('agent', people.granted2!, { source: 'paper' });
    await consent('agent', people.withdrawn!, {});
    await consent('otherAgent', people.withdrawn!, { status: 'withdrawn', at: '2026-02-01T10:00:00Z', source: 'call' });
    await consent('agent', people.otherChannel!, { channel: 'sms' });
    await consent('agent', people.otherPurpose!, { purpose: 'research' });
    await consent('agent', people.expired!, { expiresAt: '2026-03-01T00:00:00Z' });
    await consent('agent', people.noAccount!, {});
    await consent('agent', people.south!, {});
    const made = await call('marketing', 'POST', '/api/v1/campaigns', {
      name: 'Spring newsletter',
      purpose: 'newsletter',
      channel: 'email',
      filters: JSON.stringify({ accountId: account }),
    });
    expect(made.statusCode, made.body).toBe(201);
    campaign = made.json().id;
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('holds exactly the people with a valid consent for the purpose and channel, masked, audited', async () => {
    const res = await call('marketing', 'GET', `/api/v1/campaigns/${campaign}/audience`);
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().items.map((i: { id: string }) => i.id);
    expect(ids).toEqual([people.granted, people.granted2].sort());
    for (const item of res.json().items) {
      expect(item.maskedFields).toEqual(['name']);
      expect(item.email).toBeUndefined();
      expect(['王芳', '赵敏']).not.toContain(item.name);
    }
    const events = await db().selectFrom('audit_events').selectAll().where('request_id', '=', String(res.headers['x-request-id'])).execute();
    const read = events.find((e: { action: string }) => e.action === 'personal_data.read');
    expect(JSON.parse(read.detail)).toMatchObject({ count: 2, campaignId: campaign, campaignPurpose: 'newsletter', campaignChannel: 'email' });
    expect(JSON.parse(read.subject_ids)).toHaveLength(2);
    // Paged: one at a time, the same people.
    const first = (await call('marketing', 'GET', `/api/v1/campaigns/${campaign}/audience?limit=1`)).json();
    const second = (await call('marketing', 'GET', `/api/v1/campaigns/${campaign}/audience?limit=1&cursor=${first.nextCursor}`)).json();
    expect([...first.items, ...second.items].map((i: { id: string }) => i.id)).toEqual(ids);
    expect(second.nextCursor).toBeNull();
    // The count matches the audience and reads nobody: no read event, no subject.
    const count = await call('marketing', 'GET', `/api/v1/campaigns/${campaign}/audience/count`);
    expect(count.statusCode, count.body).toBe(200);
    expect(count.json()).toEqual({ count: 2, purpose: 'newsletter', channel: 'email' });
    const countEvents = await db().selectFrom('audit_events').selectAll().where('request_id', '=', String(count.headers['x-request-id'])).execute();
    expect(countEvents.filter((e: { action: string }) => e.action === 'personal_data.read')).toEqual([]);
  });

  it('follows the ledger: a withdrawal drops a person, a new grant brings them back', async () => {
    await consent('otherAgent', people.granted2!, { status: 'withdrawn', at: new Date().toISOString(), source: 'call' });
    const after = (await call('marketing', 'GET', `/api/v1/campaigns/${campaign}/audience`)).json();
    expect(after.items.map((i: { id: string }) => i.id)).toEqual([people.granted]);
    expect((await call('marketing', 'GET', `/api/v1/campaigns/${campaign}/audience/count`)).json().count).toBe(1);
    await consent('agent', people.otherChannel!, { at: new Date().toISOString() });
    const back = (await call('marketing', 'GET', `/api/v1/campaigns/${campaign}/audience`)).json();
    expect(back.items.map((i: { id: string }) => i.id)).toEqual([people.granted, people.otherChannel].sort());
  });

  it('leaves out a consenting person of a team the caller cannot see, whatever the filters', async () => {
    const everyone = await call('marketing', 'POST', '/api/v1/campaigns', { name: 'Everyone', purpose: 'newsletter', channel: 'email' });
    expect(everyone.json().filters).toBe('{}');
    const ids = (await call('marketing', 'GET', `/api/v1/campaigns/${everyone.json().id}/audience`)).json().items.map((i: { id: string }) => i.id);
    expect(ids).toEqual([people.granted, people.otherChannel, people.noAccount].sort());
    expect(ids).not.toContain(people.south);
  });

  // Runs once the contacts catalogue flags minors (the parties work); until then consent alone decides.
  it.skipIf(!('isMinor' in fieldCatalogue.contacts))('never holds a minor without a guardian consent', async () => {
    const guardian = (await call('seller', 'POST', '/api/v1/contacts', { name: '监护人', email: 'guardian@readers.example' })).json().id;
    const tenYearsAgo = `${new Date().getUTCFullYear() - 10}-03-01`;
    const minor = await call('seller', 'POST', '/api/v1/contacts', { name: '小明', birthDate: tenYearsAgo, guardianId: guardian });
    expect(minor.statusCode, minor.body).toBe(201);
    const kids = (await call('marketing', 'POST', '/api/v1/campaigns', { name: 'Kids club', purpose: 'marketing', channel: 'post' })).json().id;
    // The child's own grant is refused (PIPL Art. 31): only the guardian's counts.
    const own = await call('agent', 'POST', '/api/v1/consents', {
      contactId: minor.json().id,
      purpose: 'marketing',
      channel: 'post',
      status: 'granted',
      source: 'call',
    });
    expect(own.statusCode, own.body).toBe(422);
    expect((await call('marketing', 'GET', `/api/v1/campaigns/${kids}/audience`)).json().items).toEqual([]);
    await consent('agent', minor.json().id, { purpose: 'marketing', channel: 'post', givenBy: 'guardian', at: new Date().toISOString() });
    const guarded = (await call('marketing', 'GET', `/api/v1/campaigns/${kids}/audience`)).json();
    expect(guarded.items.map((i: { id: string }) => i.id)).toEqual([minor.json().id]);
  });

  it('keeps the ledger append-only and refuses entries that do not fit', async () => {
    const entry = (await call('agent', 'GET', `/api/v1/consents?contactId=${people.granted}`)).json().items[0];
    expect(entry).toMatchObject({ status: 'granted', evidence: 'Form #4471, ticked box', givenBy: 'subject' });
    expect((await call('agent', 'PATCH', `/api/v1/consents/${entry.id}`, { status: 'withdrawn' })).statusCode).toBe(404);
    expect((await call('agent', 'DELETE', `/api/v1/consents/${entry.id}`)).statusCode).toBe(404);
    const ahead = await call('agent', 'POST', '/api/v1/consents', {
      contactId: people.none,
      purpose: 'newsletter',
      channel: 'email',
      status: 'granted',
      at: new Date(Date.now() + 3600_000).toISOString(),
      source: 'web_form',
    });
    expect(ahead.statusCode).toBe(422);
    const expiringWithdrawal = await call('agent', 'POST', '/api/v1/consents', {
      contactId: people.none,
      purpose: 'newsletter',
      channel: 'email',
      status: 'withdrawn',
      expiresAt: '2027-01-01T00:00:00Z',
      source: 'call',
    });
    expect(expiringWithdrawal.statusCode).toBe(422);
    expect((await call('agent', 'GET', `/api/v1/consents?contactId=${people.none}`)).json().items).toEqual([]);
    const row = await db().selectFrom('consents').selectAll().where('id', '=', entry.id).executeTakeFirst();
    // The evidence's words, not its digits: an id of random hex holds "4471" about once in 2 000 rows.
    expect(Object.values(row).some((v) => typeof v === 'string' && /Form #4471|ticked box/.test(v))).toBe(false);
    // Marketing reads the whole ledger, the evidence masked.
    const seen = (await call('marketing', 'GET', `/api/v1/consents/${entry.id}`)).json();
    expect(seen.maskedFields).toEqual(['evidence']);
  });

  it('refuses filters on personal fields, another team its campaign, and a caller without the ledger', async () => {
    const bad = await call('marketing', 'POST', '/api/v1/campaigns', { name: 'x', purpose: 'newsletter', channel: 'email', filters: '{"email":"a@b.c"}' });
    expect(bad.statusCode).toBe(400);
    expect((await call('otherMarketing', 'GET', `/api/v1/campaigns/${campaign}/audience`)).statusCode).toBe(404);
    expect((await call('otherMarketing', 'GET', `/api/v1/campaigns/${campaign}/audience/count`)).statusCode).toBe(404);
    expect((await call('agent', 'GET', `/api/v1/campaigns/${campaign}/audience`)).statusCode).toBe(403);
    const wrongDates = await call('marketing', 'PATCH', `/api/v1/campaigns/${campaign}`, { startDate: '2026-05-02', endDate: '2026-05-01' });
    expect(wrongDates.statusCode).toBe(422);
  });

  it('exports the audience as CSV after a step-up, masked, each page audited with its count and purpose', async () => {
    const viaToken = await call('marketing', 'POST', `/api/v1/campaigns/${campaign}/audience/export`);
    expect(viaToken.json().error.code).toBe('step_up_required');
    const client = await sessions.fullSession(marketer.email, USER_PASSWORD);
    nextTotpStep();
    const stepUp = await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get(marketer.email) ?? '') });
    expect(stepUp.statusCode, stepUp.body).toBe(200);
    const csv = await client.call('POST', `/api/v1/campaigns/${campaign}/audience/export`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toContain('id,name');
    expect(lines[0]).not.toContain('email');
    expect(
      lines
        .slice(1)
        .map((l: string) => l.split(',')[0])
        .sort(),
    ).toEqual([people.granted, people.otherChannel].sort());
    for (const name of ['王芳', '陈晨', '周杰', '郑爽']) expect(csv.body).not.toContain(name);
    const exported = await db().selectFrom('audit_events').selectAll().where('action', '=', 'personal_data.export').execute();
    expect(exported.map((e: { detail: string }) => JSON.parse(e.detail))).toEqual([
      expect.objectContaining({ count: 2, campaignId: campaign, campaignPurpose: 'newsletter' }),
    ]);
    expect((await client.call('POST', `/api/v1/campaigns/01900000-0000-7000-8000-000000000000/audience/export`)).statusCode).toBe(404);
  });
});
