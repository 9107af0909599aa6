import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { domainStore } from '../../src/modules/domain-store.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';
import { addUser, USER_PASSWORD } from '../helpers/test-install.js';
import { TotpSessions } from '../helpers/totp-sessions.js';

/**
 * The consent ledger of the privacy issue, attacked: notices are versioned and never edited; a PIPL
 * separate consent needs its notice and the consent basis; a child's own grant is refused; the
 * ledger is never changed in place; a Global Privacy Control signal — on the staff endpoint or the
 * public portal — is an opt-out that shrinks every campaign audience by the next request, surfaces
 * a conflict with an earlier explicit opt-in, and the outcome is recorded in the ledger.
 */
describe.each(testDialects)('the consent ledger and GPC on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, created, addCallers, tokens } = apiCallers(() => app);
  const db = () => install.kernel.db.kysely as any;
  const people: Record<string, string> = {};
  let campaign: string;
  let sharing: string;

  const withGpc = (who: string, url: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${tokens[who]}`, 'sec-gpc': '1' }, payload });
  const entry = (contactId: string, extra: object = {}) => ({
    contactId,
    purpose: 'newsletter',
    channel: 'email',
    status: 'granted',
    source: 'web_form',
    at: '2026-01-05T09:00:00Z',
    ...extra,
  });
  // The test app's clock stands still (fake Date): move it on so that entries follow one another.
  const later = () => vi.setSystemTime(new Date(Date.now() + 1000));
  const count = async () => (await call('marketing', 'GET', `/api/v1/campaigns/${campaign}/audience/count`)).json().count as number;
  const ledgerOf = async (contactId: string) =>
    (await call('privacy', 'GET', `/api/v1/consents?contactId=${contactId}&limit=100`)).json().items as Record<string, unknown>[];

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    await addCallers(install.kernel, {
      seller: [['sales_manager'], 'North'],
      agent: [['service_agent'], 'North'],
      marketing: [['marketing'], 'North'],
      privacy: [['privacy_officer']],
    });
    for (const key of ['staffGpc', 'sessionGpc', 'portalGpc', 'plain', 'guardian']) {
      people[key] = (await created('seller', '/api/v1/contacts', { name: `名字 ${key}`, email: `${key.toLowerCase()}@ledger.example` })).id;
      await created('agent', '/api/v1/consents', entry(people[key]!));
    }
    campaign = (await created('marketing', '/api/v1/campaigns', { name: 'Ledger newsletter', purpose: 'newsletter', channel: 'email' })).id;
    sharing = (
      await created('privacy', '/api/v1/privacy-notices', {
        purpose: 'third_party_provision',
        titleZh: '向第三方提供',
        titleEn: 'Provision to partners',
        textZh: '我们向合作伙伴提供您的姓名和电子邮箱。',
        textEn: 'We give your name and e-mail to our partners.',
      })
    ).id;
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('versions notices per purpose, never edits one, and shows the current ones publicly', async () => {
    const second = await created('privacy', '/api/v1/privacy-notices', {
      purpose: 'third_party_provision',
      titleZh: '向第三方提供（第二版）',
      titleEn: 'Provision to partners (v2)',
      textZh: '我们向合作伙伴提供您的姓名。',
      textEn: 'We give your name to our partners.',
    });
    const first = (await call('privacy', 'GET', `/api/v1/privacy-notices/${sharing}`)).json();
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(first.textEn).toBe('We give your name and e-mail to our partners.');
    expect(second.publishedAt).toEqual(expect.any(String));
    expect((await call('privacy', 'PATCH', `/api/v1/privacy-notices/${sharing}`, { textEn: 'changed' })).statusCode).toBe(404);
    await expect(
      domainStore(install.kernel).update(asSystem('test: edit a notice'), noRequest, 'privacy_notices', sharing, { textEn: 'x' }),
    ).rejects.toMatchObject({
      status: 409,
    });
    const current = (await call('privacy', 'GET', '/api/v1/privacy-notices/current')).json().items;
    expect(current.map((n: { id: string }) => n.id)).toEqual([second.id]);
    const pub = await app.inject({ method: 'GET', url: '/api/v1/portal/notices' });
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().items.map((n: { version: number }) => n.version)).toEqual([2]);
    // Publishing is the privacy officer's: a desk agent reads notices but cannot publish one.
    expect(
      (await call('agent', 'POST', '/api/v1/privacy-notices', { purpose: 'marketing', titleZh: 'a', titleEn: 'a', textZh: 'a', textEn: 'a' })).statusCode,
    ).toBe(403);
  });

  it('records a PIPL separate consent only with its notice and the consent basis', async () => {
    const who = people.plain!;
    const base = { purpose: 'third_party_provision', channel: 'any', at: new Date().toISOString() };
    expect((await call('agent', 'POST', '/api/v1/consents', entry(who, base))).statusCode).toBe(422);
    expect((await call('agent', 'POST', '/api/v1/consents', entry(who, { ...base, noticeId: sharing, lawfulBasis: 'contract' }))).statusCode).toBe(422);
    expect((await call('agent', 'POST', '/api/v1/consents', entry(who, { ...base, channel: 'email', noticeId: sharing }))).statusCode).toBe(422);
    const otherNotice = (
      await created('privacy', '/api/v1/privacy-notices', {
        purpose: 'cross_border_transfer',
        titleZh: '出境',
        titleEn: 'Abroad',
        textZh: '出境',
        textEn: 'Abroad',
      })
    ).id;
    expect((await call('agent', 'POST', '/api/v1/consents', entry(who, { ...base, noticeId: otherNotice }))).statusCode).toBe(422);
    const ok = await created('agent', '/api/v1/consents', entry(who, { ...base, noticeId: sharing }));
    expect(ok).toMatchObject({ lawfulBasis: 'consent', noticeId: sharing, purpose: 'third_party_provision', channel: 'any' });
    const agentId = await db().selectFrom('consents').select('recorded_by').where('id', '=', ok.id).executeTakeFirst();
    expect(agentId.recorded_by).toEqual(expect.any(String));
    expect((await ledgerOf(who)).filter((e) => e.purpose === 'third_party_provision')).toHaveLength(1);
  });

  it('keeps the ledger append-only: an entry is never changed or deleted, even by the system', async () => {
    const [first] = await ledgerOf(people.plain!);
    const store = domainStore(install.kernel);
    await expect(store.update(asSystem('test: change a consent'), noRequest, 'consents', String(first!.id), { status: 'withdrawn' })).rejects.toMatchObject({
      status: 409,
    });
    await expect(store.remove(asSystem('test: delete a consent'), noRequest, 'consents', String(first!.id))).rejects.toMatchObject({ status: 409 });
    const row = await db().selectFrom('consents').selectAll().where('id', '=', first!.id).executeTakeFirst();
    expect(row.status).toBe('granted');
  });

  it("refuses a child's own grant: only the guardian consents for someone under 14", async () => {
    const birthDate = `${new Date().getUTCFullYear() - 10}-03-01`;
    const child = (await created('seller', '/api/v1/contacts', { name: '小红', birthDate, guardianId: people.guardian })).id;
    const own = await call('agent', 'POST', '/api/v1/consents', entry(child, { at: new Date().toISOString() }));
    expect(own.statusCode, own.body).toBe(422);
    expect(own.body).not.toContain(birthDate);
    expect(await ledgerOf(child)).toEqual([]);
    await created('agent', '/api/v1/consents', entry(child, { givenBy: 'guardian', at: new Date().toISOString() }));
    // A child may always withdraw.
    await created('agent', '/api/v1/consents', entry(child, { status: 'withdrawn', at: new Date().toISOString() }));
    const adult = `${new Date().getUTCFullYear() - 30}-03-01`;
    const grown = (await created('seller', '/api/v1/contacts', { name: '大人', birthDate: adult })).id;
    await created('agent', '/api/v1/consents', entry(grown, { at: new Date().toISOString() }));
  });

  it("does not take a staff member's own browser GPC signal for the customer's", async () => {
    const agent = await addUser(install.kernel, ['service_agent'], 'North');
    const client = await new TotpSessions(app).fullSession(agent.email, USER_PASSWORD);
    const who = people.sessionGpc!;
    const res = await client.call('POST', '/api/v1/consents', entry(who, { channel: 'sms', at: new Date().toISOString() }), { 'sec-gpc': '1' });
    expect(res.statusCode, res.body).toBe(201);
    expect((await ledgerOf(who)).filter((e) => e.source === 'gpc')).toEqual([]);
    expect((await call('privacy', 'GET', `/api/v1/gpc-conflicts?contactId=${who}`)).json().items).toEqual([]);
  });

  it('takes Sec-GPC: 1 on the staff endpoint as an opt-out: the audience shrinks at once, a conflict is surfaced and its outcome recorded', async () => {
    const who = people.staffGpc!;
    const before = await count();
    // The person opted in to sale / sharing explicitly on a paper form.
    await created(
      'agent',
      '/api/v1/consents',
      entry(who, { purpose: 'sale_share', channel: 'any', source: 'paper', at: new Date(Date.now() - 60_000).toISOString() }),
    );
    const signalled = await withGpc('agent', '/api/v1/consents', entry(who, { channel: 'sms', at: new Date().toISOString() }));
    expect(signalled.statusCode, signalled.body).toBe(201);
    expect(await count()).toBe(before - 1);
    const gpc = (await ledgerOf(who)).filter((e) => e.source === 'gpc');
    expect(gpc).toMatchObject([{ purpose: 'sale_share', channel: 'any', status: 'withdrawn' }]);
    // A second signal while opted out records nothing new.
    await withGpc('agent', '/api/v1/consents', entry(who, { channel: 'post', at: new Date().toISOString() }));
    expect((await ledgerOf(who)).filter((e) => e.source === 'gpc')).toHaveLength(1);

    const conflicts = (await call('privacy', 'GET', `/api/v1/gpc-conflicts?contactId=${who}&status=open`)).json().items;
    expect(conflicts).toHaveLength(1);
    const conflict = conflicts[0];
    expect(conflict.signalConsentId).toBe(gpc[0]!.id);
    // Only the privacy officer resolves; keeping the opt-in needs the person's reconfirmation.
    expect((await call('agent', 'POST', `/api/v1/gpc-conflicts/${conflict.id}/resolve`, { outcome: 'confirm_opt_out' })).statusCode).toBe(403);
    expect((await call('privacy', 'POST', `/api/v1/gpc-conflicts/${conflict.id}/resolve`, { outcome: 'keep_opt_in' })).statusCode).toBe(400);
    later();
    const kept = await call('privacy', 'POST', `/api/v1/gpc-conflicts/${conflict.id}/resolve`, {
      outcome: 'keep_opt_in',
      evidence: 'Called back; the person confirmed the opt-in',
    });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toMatchObject({ status: 'opt_in_kept', resolvedAt: expect.any(String) });
    const resolution = (await ledgerOf(who)).find((e) => e.id === kept.json().resolutionConsentId);
    expect(resolution).toMatchObject({ status: 'granted', source: 'reconfirmation', conflictId: conflict.id, purpose: 'sale_share' });
    expect(await count()).toBe(before);
    expect((await call('privacy', 'POST', `/api/v1/gpc-conflicts/${conflict.id}/resolve`, { outcome: 'confirm_opt_out' })).statusCode).toBe(409);
    const row = await db().selectFrom('consents').selectAll().where('id', '=', resolution!.id).executeTakeFirst();
    expect(Object.values(row).some((v) => typeof v === 'string' && v.includes('Called back'))).toBe(false);
  });

  it('takes GPC on the public portal: the same answer for anyone, and the person is out of every audience within the request', async () => {
    const before = await count();
    const research = (await created('marketing', '/api/v1/campaigns', { name: 'Research', purpose: 'research', channel: 'email' })).id;
    await created('agent', '/api/v1/consents', entry(people.portalGpc!, { purpose: 'research' }));
    const researchCount = async () => (await call('marketing', 'GET', `/api/v1/campaigns/${research}/audience/count`)).json().count as number;
    expect(await researchCount()).toBe(1);
    const portal = (email: string, gpc: boolean) =>
      app.inject({ method: 'POST', url: '/api/v1/portal/consents', headers: gpc ? { 'sec-gpc': '1' } : {}, payload: { email } });
    const unknown = await portal('nobody@ledger.example', true);
    const known = await portal('portalgpc@ledger.example', true);
    expect([unknown.statusCode, known.statusCode]).toEqual([202, 202]);
    expect(known.body).toBe(unknown.body);
    expect(await count()).toBe(before - 1);
    expect(await researchCount()).toBe(0);
    expect((await ledgerOf(people.portalGpc!)).filter((e) => e.source === 'gpc')).toHaveLength(1);
    // No signal and nothing asked: refused, whoever it names.
    expect((await portal('portalgpc@ledger.example', false)).statusCode).toBe(422);
    // An opt-out for one purpose and channel by the person, without GPC.
    const withdrawal = await app.inject({
      method: 'POST',
      url: '/api/v1/portal/consents',
      payload: { email: 'plain@ledger.example', withdrawals: [{ purpose: 'newsletter', channel: 'email' }] },
    });
    expect(withdrawal.statusCode, withdrawal.body).toBe(202);
    expect(await count()).toBe(before - 2);
  });
});
