import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { airtimeFixture, dealFixture, stageId } from '../helpers/samples/ad-sales.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * Deals, contracts and their approval, as-run and make-goods, and the pipeline and revenue
 * dashboards, through the API on both databases: notes sealed under the contact's key and read with a
 * read event, other teams' records 404, the approver is never the author, make-goods never exceed the
 * missed spots and stay under the caps, dashboards count only what the caller may see.
 */
describe.each(testDialects)('ad-sales pipeline on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { as, addCallers } = apiCallers(() => app);
  const db = () => install.kernel.db.kysely as any;

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    await addCallers(install.kernel, {
      manager: [['sales_manager'], 'North'],
      manager2: [['sales_manager'], 'North'],
      rep: [['sales_rep'], 'North'],
      rep2: [['sales_rep'], 'North'],
      southManager: [['sales_manager'], 'South'],
      privacy: [['privacy_officer']],
      agent: [['service_agent'], 'Care'],
    });
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('seeds the default pipeline stages', async () => {
    const stages = (await as('rep')('GET', '/api/v1/deal-stages?limit=50')).json().items;
    const byCode = Object.fromEntries(stages.map((s: { code: string }) => [s.code, s]));
    expect(Object.keys(byCode)).toEqual(expect.arrayContaining(['enquiry', 'proposal', 'negotiation', 'won', 'lost']));
    expect(byCode.won).toMatchObject({ isWon: true, isLost: false, probability: 100 });
    expect(byCode.lost).toMatchObject({ isWon: false, isLost: true, probability: 0 });
    expect((await as('rep')('POST', '/api/v1/deal-stages', { code: 'pitch', name: 'Pitch', position: 15, probability: 20 })).statusCode).toBe(403);
    expect((await as('manager')('POST', '/api/v1/deal-stages', { code: 'pitch', name: 'Pitch', position: 15, probability: 20 })).statusCode).toBe(201);
    expect(
      (await as('manager')('POST', '/api/v1/deal-stages', { code: 'odd', name: 'Odd', position: 99, probability: 50, isWon: true, isLost: true })).statusCode,
    ).toBe(422);
  });

  it('seals deal notes under the contact person’s key, refuses them without a contact, and audits their reads', async () => {
    const notes = 'Met Zhou Xiaoming-Brightwater at the Spring Gala; mobile 13911112222';
    const { dealId, contactId } = await dealFixture(as('rep'), { notes, contactName: '周晓明 Brightwater' });
    const row = await db().selectFrom('deals').selectAll().where('id', '=', dealId).executeTakeFirst();
    const contact = await db().selectFrom('contacts').select('subject_id').where('id', '=', contactId).executeTakeFirst();
    expect(row.subject_id).toBe(contact.subject_id);
    expect(Buffer.from(row.notes_enc).toString('utf8')).not.toContain('Brightwater');
    const read = await as('rep')('GET', `/api/v1/deals/${dealId}`);
    expect(read.json().notes).toBe(notes);
    const events = await db().selectFrom('audit_events').selectAll().where('request_id', '=', String(read.headers['x-request-id'])).execute();
    expect(events.find((e: { action: string }) => e.action === 'personal_data.read')?.subject_ids).toContain(contact.subject_id);
    const masked = (await as('privacy')('GET', `/api/v1/deals/${dealId}`)).json();
    expect(masked.notes).not.toBe(notes);
    expect(masked.maskedFields).toContain('notes');

    expect((await as('rep')('PATCH', `/api/v1/deals/${dealId}`, { contactId: null })).statusCode).toBe(422);
    const cleared = await as('rep')('PATCH', `/api/v1/deals/${dealId}`, { contactId: null, notes: null });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().notes ?? null).toBeNull();
    expect((await db().selectFrom('deals').select(['notes_enc', 'subject_id']).where('id', '=', dealId).executeTakeFirst()).notes_enc).toBeNull();

    const bare = await dealFixture(as('rep'));
    const refused = await as('rep')('PATCH', `/api/v1/deals/${bare.dealId}`, { notes: 'Talked to 李雷 about rates' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toContain('contactId');
  });

  it('keeps deals, bookings and contracts in scope: another team gets 404, a rep sees only their own', async () => {
    const { dealId } = await dealFixture(as('rep'));
    const contract = await as('rep')('POST', '/api/v1/contracts', { dealId, number: 'HT-SCOPE-1', total: 100 });
    expect(contract.statusCode, contract.body).toBe(201);
    for (const url of [`/api/v1/deals/${dealId}`, `/api/v1/contracts/${contract.json().id}`]) {
      expect((await as('southManager')('GET', url)).statusCode).toBe(404);
      expect((await as('rep2')('GET', url)).statusCode).toBe(404);
      expect((await as('manager')('GET', url)).statusCode).toBe(200);
    }
    expect((await as('southManager')('POST', `/api/v1/contracts/${contract.json().id}/approve`)).statusCode).toBe(404);
    expect((await as('agent')('GET', '/api/v1/deals')).statusCode).toBe(403);
    const other = await as('rep2')('POST', '/api/v1/contracts', { dealId, number: 'HT-SCOPE-2', total: 100 });
    expect(other.statusCode).toBe(422);
  });

  it('checks the advertiser and the agency, and the flight dates', async () => {
    const agency = (await as('rep')('POST', '/api/v1/accounts', { name: '代理公司 Agency', kind: 'agency' })).json();
    const advertiser = (await as('rep')('POST', '/api/v1/accounts', { name: '广告主 A', kind: 'advertiser' })).json();
    const stage = await stageId(as('rep'), 'enquiry');
    const base = { name: 'Deal', stageId: stage, amount: 100 };
    expect((await as('rep')('POST', '/api/v1/deals', { ...base, accountId: agency.id })).statusCode).toBe(422);
    expect((await as('rep')('POST', '/api/v1/deals', { ...base, accountId: advertiser.id, agencyId: advertiser.id })).statusCode).toBe(422);
    const late = await as('rep')('POST', '/api/v1/deals', { ...base, accountId: advertiser.id, flightStart: '2026-12-31', flightEnd: '2026-12-01' });
    expect(late.statusCode).toBe(422);
    const ok = await as('rep')('POST', '/api/v1/deals', { ...base, accountId: advertiser.id, agencyId: agency.id });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().currency).toBe('CNY');
  });

  it('approves a contract only by someone other than its author, with contracts.approve; the outcome is final', async () => {
    const { dealId } = await dealFixture(as('rep'));
    const draft = await as('rep')('POST', '/api/v1/contracts', { dealId, number: 'HT-2026-0001', total: 5_000_000 });
    expect(draft.json()).toMatchObject({ status: 'draft', approvedBy: null });
    const id = draft.json().id;
    expect((await as('rep')('POST', '/api/v1/contracts', { dealId, number: 'HT-X', total: 1, status: 'approved' })).statusCode).toBe(400);
    expect((await as('rep')('PATCH', `/api/v1/contracts/${id}`, { status: 'approved' })).statusCode).toBe(400);
    expect((await as('rep')('POST', `/api/v1/contracts/${id}/approve`)).statusCode).toBe(403);
    expect((await as('manager')('POST', `/api/v1/contracts/${id}/approve`)).statusCode).toBe(409);
    const submitted = await as('rep')('POST', `/api/v1/contracts/${id}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().status).toBe('submitted');
    expect((await as('rep')('PATCH', `/api/v1/contracts/${id}`, { total: 1 })).statusCode).toBe(409);
    const approved = await as('manager')('POST', `/api/v1/contracts/${id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().status).toBe('approved');
    expect(approved.json().approvedBy).not.toBeNull();
    expect((await as('manager2')('POST', `/api/v1/contracts/${id}/reject`)).statusCode).toBe(409);
    expect((await as('manager')('DELETE', `/api/v1/contracts/${id}`)).statusCode).toBe(409);
    const scrap = (await as('manager')('POST', '/api/v1/contracts', { dealId, number: 'HT-2026-0099', total: 1 })).json();
    expect((await as('manager')('DELETE', `/api/v1/contracts/${scrap.id}`)).statusCode).toBe(204);

    // A manager who drafts and submits may not approve it; another manager may reject it.
    const own = (await as('manager')('POST', '/api/v1/contracts', { dealId, number: 'HT-2026-0002', total: 1 })).json();
    expect((await as('manager')('POST', `/api/v1/contracts/${own.id}/submit`)).statusCode).toBe(200);
    const self = await as('manager')('POST', `/api/v1/contracts/${own.id}/approve`);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.message).toContain('another person with contracts.approve must approve it');
    expect((await as('manager')('GET', `/api/v1/contracts/${own.id}`)).json().status).toBe('submitted');
    expect((await as('manager2')('POST', `/api/v1/contracts/${own.id}/reject`)).json().status).toBe('rejected');
    expect((await as('manager')('POST', `/api/v1/contracts/${own.id}/submit`)).statusCode).toBe(409);
    expect((await as('manager')('POST', '/api/v1/contracts', { dealId, number: 'HT-2026-0002', total: 1 })).statusCode).toBe(409);
  });

  it('confirms the as-run per spot (bookings.confirm) and makes good only the missed spots, free, under the caps', async () => {
    const a = await airtimeFixture(as('manager'), 'radio', ['08:00', '09:00']);
    const { dealId } = await dealFixture(as('rep'));
    const booking = (
      await as('rep')('POST', '/api/v1/bookings', {
        dealId,
        channelId: a.channelId,
        breakId: a.breaks['08:00'],
        airDate: '2026-11-20',
        spotLength: 30,
        count: 4,
      })
    ).json();
    const run = { aired: 1, missed: 2, misaired: 1, airedAt: '2026-11-20T08:02:00+08:00' };
    expect((await as('rep')('POST', `/api/v1/bookings/${booking.id}/as-run`, run)).statusCode).toBe(403);
    expect((await as('manager')('POST', `/api/v1/bookings/${booking.id}/as-run`, { ...run, aired: 2 })).statusCode).toBe(422);
    const confirmed = await as('manager')('POST', `/api/v1/bookings/${booking.id}/as-run`, run);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'missed', airedCount: 1, missedCount: 2, misairedCount: 1, seconds: 60 });
    expect((await as('rep')('PATCH', `/api/v1/bookings/${booking.id}`, { status: 'cancelled' })).statusCode).toBe(409);
    expect((await as('manager')('DELETE', `/api/v1/bookings/${booking.id}`)).statusCode).toBe(409);

    const tooMany = await as('rep')('POST', `/api/v1/bookings/${booking.id}/make-good`, { breakId: a.breaks['09:00'], airDate: '2026-11-27', count: 4 });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().error.message).toContain('at most 3');
    const good = await as('rep')('POST', `/api/v1/bookings/${booking.id}/make-good`, { breakId: a.breaks['09:00'], airDate: '2026-11-27', count: 2 });
    expect(good.statusCode, good.body).toBe(201);
    expect(good.json()).toMatchObject({ makeGoodOf: booking.id, netAmount: 0, listPrice: a.prices[30], dealId, spotLength: 30, status: 'booked' });
    expect(
      (await as('rep')('POST', `/api/v1/bookings/${booking.id}/make-good`, { breakId: a.breaks['09:00'], airDate: '2026-11-27', count: 2 })).statusCode,
    ).toBe(409);
    // A correcting as-run may not leave fewer missed spots than were made good.
    expect((await as('manager')('POST', `/api/v1/bookings/${booking.id}/as-run`, { ...run, aired: 3, missed: 0, misaired: 1 })).statusCode).toBe(409);

    const lost = await dealFixture(as('rep'), { stage: 'lost' });
    const onLost = await as('rep')('POST', '/api/v1/bookings', {
      dealId: lost.dealId,
      channelId: a.channelId,
      breakId: a.breaks['09:00'],
      airDate: '2026-11-21',
      spotLength: 30,
      count: 1,
    });
    expect(onLost.statusCode).toBe(409);
    expect(onLost.json().error.message).toContain('(lost)');

    // Still under the caps: fill 09:00 on 2026-11-28, then the last owed spot cannot go there.
    expect(
      (
        await as('rep')('POST', '/api/v1/bookings', {
          dealId,
          channelId: a.channelId,
          breakId: a.breaks['09:00'],
          airDate: '2026-11-28',
          spotLength: 30,
          count: 24,
        })
      ).statusCode,
    ).toBe(201);
    const capped = await as('rep')('POST', `/api/v1/bookings/${booking.id}/make-good`, { breakId: a.breaks['09:00'], airDate: '2026-11-28', count: 1 });
    expect(capped.statusCode).toBe(409);
    expect(capped.json().error.message).toContain('12 min');
    expect(
      (await as('southManager')('POST', `/api/v1/bookings/${booking.id}/make-good`, { breakId: a.breaks['09:00'], airDate: '2026-11-29', count: 1 }))
        .statusCode,
    ).toBe(404);
  });

  it('dashboards: pipeline by stage and revenue by channel and month, from what the caller may see', async () => {
    await install.kernel.db.kysely.deleteFrom('bookings' as never).execute();
    const a = await airtimeFixture(as('manager'), 'tv', ['10:00']);
    const mine = await dealFixture(as('rep2'), { amount: 3_000_00, stage: 'negotiation' });
    await dealFixture(as('rep2'), { amount: 1_000_00, stage: 'negotiation' });
    const theirs = await dealFixture(as('southManager'), { amount: 9_999_00, stage: 'negotiation' });
    const pipeline = (await as('rep2')('GET', '/api/v1/dashboards/pipeline')).json().items;
    const negotiation = pipeline.find((s: { code: string }) => s.code === 'negotiation');
    expect(negotiation).toMatchObject({ count: 2, amounts: [{ currency: 'CNY', count: 2, amount: 4_000_00, weightedAmount: 2_400_00 }] });
    expect(pipeline.map((s: { code: string }) => s.code).slice(0, 3)).toEqual(['enquiry', 'pitch', 'proposal']);
    const south = (await as('southManager')('GET', '/api/v1/dashboards/pipeline')).json().items.find((s: { code: string }) => s.code === 'negotiation');
    expect(south.amounts[0].amount).toBe(9_999_00);

    const book = (who: string, deal: string, airDate: string, count: number) =>
      as(who)('POST', '/api/v1/bookings', { dealId: deal, channelId: a.channelId, breakId: a.breaks['10:00'], airDate, spotLength: 15, count });
    expect((await book('rep2', mine.dealId, '2026-11-03', 2)).statusCode).toBe(201);
    expect((await book('rep2', mine.dealId, '2026-12-03', 1)).statusCode).toBe(201);
    const cancelled = (await book('rep2', mine.dealId, '2026-12-04', 5)).json();
    expect((await as('rep2')('PATCH', `/api/v1/bookings/${cancelled.id}`, { status: 'cancelled' })).statusCode).toBe(200);
    expect((await book('southManager', theirs.dealId, '2026-12-03', 4)).statusCode).toBe(201);
    const revenue = (await as('rep2')('GET', '/api/v1/dashboards/bookings-revenue')).json().items;
    expect(revenue).toEqual([
      { channelId: a.channelId, channelCode: a.code, month: '2026-11', bookings: 1, netAmount: 2 * a.prices[15] },
      { channelId: a.channelId, channelCode: a.code, month: '2026-12', bookings: 1, netAmount: a.prices[15] },
    ]);
    const december = (await as('southManager')('GET', '/api/v1/dashboards/bookings-revenue?from=2026-12&to=2026-12')).json().items;
    expect(december).toEqual([{ channelId: a.channelId, channelCode: a.code, month: '2026-12', bookings: 1, netAmount: 4 * a.prices[15] }]);
    expect((await as('rep2')('GET', '/api/v1/dashboards/bookings-revenue?from=2026-13')).statusCode).toBe(400);
  });
});
