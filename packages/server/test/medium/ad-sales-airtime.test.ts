import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type AirtimeFixture, airtimeFixture, dealFixture } from '../helpers/samples/ad-sales.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * The airtime caps of 总局令61号 through the API, on both databases: 12 minutes of commercials per
 * clock hour of a channel and day, 18 minutes in 19:00–21:00 on TV, at their exact edges and at the
 * 18:59 / 19:00 / 20:59 / 21:00 boundaries of the window; radio is exempt from the window; public
 * service does not count; cancelled spots free their time; parallel bookings cannot together pass
 * the cap; a refused booking saves nothing.
 */
describe.each(testDialects)('airtime caps on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { as, addCallers } = apiCallers(() => app);
  let dealId: string;
  const db = () => install.kernel.db.kysely as any;
  const usedSeconds = async (channelId: string, airDate: string) =>
    (await db().selectFrom('bookings').select(['seconds', 'public_service']).where('channel_id', '=', channelId).where('air_date', '=', airDate).execute())
      .filter((r: { public_service: number }) => Number(r.public_service) === 0)
      .reduce((sum: number, r: { seconds: number }) => sum + Number(r.seconds), 0);
  const bookingCount = async () =>
    Number(
      (
        await db()
          .selectFrom('bookings')
          .select((eb: any) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const book = (a: AirtimeFixture, time: string, spotLength: number, count: number, extra: object = {}, who = 'rep', airDate = '2026-12-01') =>
    as(who)('POST', '/api/v1/bookings', { dealId, channelId: a.channelId, breakId: a.breaks[time], airDate, spotLength, count, ...extra });

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    await addCallers(install.kernel, {
      manager: [['sales_manager'], 'North'],
      rep: [['sales_rep'], 'North'],
      otherRep: [['sales_rep'], 'South'],
    });
    ({ dealId } = await dealFixture(as('rep')));
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('keeps the reference data consistent: breaks inside their daypart, no overlapping rate cards', async () => {
    const a = await airtimeFixture(as('manager'), 'tv', ['19:00']);
    const prime = await as('manager')('POST', '/api/v1/dayparts', { channelId: a.channelId, name: '黄金时段', startTime: '17:00', endTime: '22:00' });
    expect(prime.statusCode, prime.body).toBe(201);
    const inside = await as('manager')('POST', '/api/v1/breaks', { channelId: a.channelId, daypartId: prime.json().id, startTime: '21:59', maxDuration: 120 });
    expect(inside.statusCode, inside.body).toBe(201);
    const outside = await as('manager')('POST', '/api/v1/breaks', { channelId: a.channelId, daypartId: prime.json().id, startTime: '22:00', maxDuration: 120 });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.message).toContain('outside the daypart');
    const overlap = await as('manager')('POST', '/api/v1/rate-cards', {
      channelId: a.channelId,
      daypartId: a.daypartId,
      spotLength: 15,
      price: 1,
      validFrom: '2027-01-01',
    });
    expect(overlap.statusCode).toBe(409);
    const backwards = await as('manager')('POST', '/api/v1/dayparts', { channelId: a.channelId, name: 'late', startTime: '23:00', endTime: '02:00' });
    expect(backwards.statusCode).toBe(422);
    expect((await as('rep')('POST', '/api/v1/dayparts', { channelId: a.channelId, name: 'x', startTime: '01:00', endTime: '02:00' })).statusCode).toBe(403);
    expect((await as('rep')('GET', `/api/v1/rate-cards?channelId=${a.channelId}`)).json().items).toHaveLength(4);
  });

  it('derives the list price from the rate card and the net amount; refuses system fields and a break of another channel', async () => {
    const a = await airtimeFixture(as('manager'), 'tv', ['19:30']);
    const b = await airtimeFixture(as('manager'), 'tv', ['19:30']);
    const res = await book(a, '19:30', 15, 3, { discountPercent: 10, commissionPercent: 15 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      listPrice: 50_000,
      netAmount: Math.round(50_000 * 3 * 0.9 * 0.85),
      seconds: 45,
      airHour: 19,
      status: 'booked',
      airMonth: '2026-12',
    });
    expect((await book(a, '19:30', 15, 1, { listPrice: 1 })).statusCode).toBe(400);
    expect((await book(a, '19:30', 15, 1, { status: 'aired' })).statusCode).toBe(400);
    expect((await book(a, '19:30', 20, 1)).statusCode).toBe(400);
    const wrong = await as('rep')('POST', '/api/v1/bookings', {
      dealId,
      channelId: a.channelId,
      breakId: b.breaks['19:30'],
      airDate: '2026-12-01',
      spotLength: 15,
      count: 1,
    });
    expect(wrong.statusCode).toBe(422);
    const noCard = await book(a, '19:30', 15, 1, {}, 'rep', '2025-12-31');
    expect(noCard.statusCode).toBe(409);
    expect(noCard.json().error.message).toContain('no rate card');
  });

  it('accepts exactly 720 s of commercials in a clock hour and refuses one spot more, naming the channel, the hour and the minutes', async () => {
    const a = await airtimeFixture(as('manager'), 'radio', ['10:00', '10:45', '11:00']);
    expect((await book(a, '10:00', 30, 12)).statusCode).toBe(201);
    expect((await book(a, '10:45', 30, 11)).statusCode).toBe(201);
    expect((await book(a, '10:45', 15, 1)).statusCode).toBe(201);
    expect((await book(a, '10:45', 10, 1)).statusCode).toBe(201);
    const edge = await book(a, '10:45', 5, 1);
    expect(edge.statusCode, edge.body).toBe(201);
    expect(await usedSeconds(a.channelId, '2026-12-01')).toBe(720);
    const before = await bookingCount();
    const over = await book(a, '10:00', 5, 1);
    expect(over.statusCode).toBe(409);
    expect(over.json().error.message).toBe(
      `${a.code} on 2026-12-01: the 10:00–11:00 hour would carry 12 min 5 s (725 s) of commercials; at most 12 min (720 s) per clock hour are allowed (总局令61号)`,
    );
    expect(await bookingCount()).toBe(before);
    // The next hour and the next day are free; a public-service spot does not count.
    expect((await book(a, '11:00', 30, 24)).statusCode).toBe(201);
    expect((await book(a, '10:00', 30, 24, {}, 'rep', '2026-12-02')).statusCode).toBe(201);
    expect((await book(a, '10:00', 30, 2, { publicService: true })).statusCode).toBe(201);
  });

  it('counts every seller: another team’s bookings fill the same hour', async () => {
    const a = await airtimeFixture(as('manager'), 'radio', ['09:00']);
    const other = await dealFixture(as('otherRep'));
    const theirs = await as('otherRep')('POST', '/api/v1/bookings', {
      dealId: other.dealId,
      channelId: a.channelId,
      breakId: a.breaks['09:00'],
      airDate: '2026-12-01',
      spotLength: 30,
      count: 20,
    });
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect((await book(a, '09:00', 30, 5)).statusCode).toBe(409);
    expect((await book(a, '09:00', 30, 4)).statusCode).toBe(201);
  });

  it('holds 19:00–21:00 on TV to 1080 s: 20:59 and 19:00 count, 18:59 and 21:00 do not; radio is exempt from this window', async () => {
    const tv = await airtimeFixture(as('manager'), 'tv');
    expect((await book(tv, '19:00', 30, 20)).statusCode).toBe(201);
    expect((await book(tv, '20:59', 30, 16)).statusCode).toBe(201);
    expect(await usedSeconds(tv.channelId, '2026-12-01')).toBe(1080);
    const over = await book(tv, '20:59', 5, 1);
    expect(over.statusCode).toBe(409);
    expect(over.json().error.message).toBe(
      `${tv.code} on 2026-12-01: 19:00–21:00 would carry 18 min 5 s (1085 s) of commercials; at most 18 min (1080 s) are allowed on TV (总局令61号)`,
    );
    expect((await book(tv, '19:30', 5, 1)).statusCode).toBe(409);
    expect((await book(tv, '19:00', 5, 1)).statusCode).toBe(409);
    expect((await book(tv, '18:59', 30, 24)).statusCode).toBe(201);
    expect((await book(tv, '21:00', 30, 24)).statusCode).toBe(201);

    const radio = await airtimeFixture(as('manager'), 'radio');
    expect((await book(radio, '19:00', 30, 24)).statusCode).toBe(201);
    expect((await book(radio, '20:59', 30, 24)).statusCode).toBe(201);
    expect(await usedSeconds(radio.channelId, '2026-12-01')).toBe(1440);
  });

  it('holds 11:00–13:00 on radio to 1080 s: 12:59 counts, 10:59 and 13:00 do not', async () => {
    const radio = await airtimeFixture(as('manager'), 'radio', ['10:59', '11:00', '12:59', '13:00']);
    expect((await book(radio, '11:00', 30, 20)).statusCode).toBe(201);
    expect((await book(radio, '12:59', 30, 16)).statusCode).toBe(201);
    const over = await book(radio, '12:59', 5, 1);
    expect(over.statusCode).toBe(409);
    expect(over.json().error.message).toBe(
      `${radio.code} on 2026-12-01: 11:00–13:00 would carry 18 min 5 s (1085 s) of commercials; at most 18 min (1080 s) are allowed on radio (总局令61号)`,
    );
    expect((await book(radio, '10:59', 30, 24)).statusCode).toBe(201);
    expect((await book(radio, '13:00', 30, 24)).statusCode).toBe(201);
  });

  it('frees the time of cancelled spots, and a cancelled booking stays cancelled', async () => {
    const a = await airtimeFixture(as('manager'), 'radio', ['07:00']);
    const first = await book(a, '07:00', 30, 24);
    expect((await book(a, '07:00', 5, 1)).statusCode).toBe(409);
    const cancelled = await as('rep')('PATCH', `/api/v1/bookings/${first.json().id}`, { status: 'cancelled' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().seconds).toBe(0);
    expect((await book(a, '07:00', 30, 24)).statusCode).toBe(201);
    expect((await as('rep')('PATCH', `/api/v1/bookings/${first.json().id}`, { count: 1 })).statusCode).toBe(409);
    expect((await as('rep')('PATCH', `/api/v1/bookings/${first.json().id}`, { status: 'booked' })).statusCode).toBe(400);
  });

  it('refuses a change that would pass the cap, and keeps the booking as it was', async () => {
    const a = await airtimeFixture(as('manager'), 'radio', ['06:00']);
    const res = await book(a, '06:00', 30, 20);
    const moved = await as('rep')('PATCH', `/api/v1/bookings/${res.json().id}`, { count: 25 });
    expect(moved.statusCode).toBe(409);
    expect((await as('rep')('GET', `/api/v1/bookings/${res.json().id}`)).json()).toMatchObject({ count: 20, seconds: 600 });
  });

  it('lets only as many of 10 parallel bookings through as fit: the hour never passes 720 s', async () => {
    const a = await airtimeFixture(as('manager'), 'tv', ['15:00']);
    expect((await book(a, '15:00', 30, 12)).statusCode).toBe(201);
    // 360 s used; each of the 10 asks for 120 s: exactly 3 fit.
    const answers = await Promise.all(Array.from({ length: 10 }, () => book(a, '15:00', 30, 4)));
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(3);
    expect(codes.filter((c) => c === 409)).toHaveLength(7);
    expect(await usedSeconds(a.channelId, '2026-12-01')).toBe(720);
  });

  it('holds a break to its capacity, and a booked break and channel to what their bookings were checked for', async () => {
    const a = await airtimeFixture(as('manager'), 'tv', ['12:00'], 60);
    expect((await book(a, '12:00', 30, 2)).statusCode).toBe(201);
    const full = await book(a, '12:00', 5, 1);
    expect(full.statusCode).toBe(409);
    expect(full.json().error.message).toContain('the break at 12:00 would hold 65 s of spots; it holds at most 60 s');
    const slot = `/api/v1/breaks/${a.breaks['12:00']}`;
    expect((await as('manager')('PATCH', slot, { startTime: '13:00' })).statusCode).toBe(409);
    expect((await as('manager')('PATCH', slot, { maxDuration: 59 })).statusCode).toBe(409);
    expect((await as('manager')('PATCH', slot, { maxDuration: 90 })).statusCode).toBe(200);
    expect((await as('manager')('DELETE', slot)).statusCode).toBe(409);
    expect((await as('manager')('PATCH', `/api/v1/channels/${a.channelId}`, { kind: 'radio' })).statusCode).toBe(409);
    expect((await as('manager')('PATCH', `/api/v1/channels/${a.channelId}`, { name: '新名字' })).statusCode).toBe(200);
  });

  it('reports the fill of the channel’s day to every seller: seconds per hour, 19:00–21:00, public-service share', async () => {
    const a = await airtimeFixture(as('manager'), 'tv', ['19:00', '20:59']);
    const first = await book(a, '19:00', 30, 10);
    expect(first.statusCode, first.body).toBe(201);
    expect((await book(a, '20:59', 15, 4, { publicService: true })).statusCode).toBe(201);
    const other = await dealFixture(as('otherRep'));
    const theirs = await as('otherRep')('POST', '/api/v1/bookings', {
      dealId: other.dealId,
      channelId: a.channelId,
      breakId: a.breaks['20:59'],
      airDate: '2026-12-01',
      spotLength: 30,
      count: 10,
    });
    expect(theirs.statusCode).toBe(201);
    const fill = await as('rep')('GET', `/api/v1/dashboards/airtime-fill?channelId=${a.channelId}&date=2026-12-01`);
    expect(fill.statusCode, fill.body).toBe(200);
    const body = fill.json();
    expect(body.hours).toHaveLength(24);
    expect(body.hours[19]).toEqual({ hour: 19, commercialSeconds: 300, publicServiceSeconds: 0, capSeconds: 720, remainingSeconds: 420 });
    expect(body.hours[20]).toEqual({ hour: 20, commercialSeconds: 300, publicServiceSeconds: 60, capSeconds: 720, remainingSeconds: 420 });
    expect(body.primeTime).toMatchObject({
      commercialSeconds: 600,
      capSeconds: 1080,
      remainingSeconds: 480,
      publicServiceSpots: 4,
      minimumPublicServiceSpots: 4,
    });
    expect(body.publicService).toEqual({ seconds: 60, commercialSeconds: 600, share: 0.1, minimumShare: 0.03, met: true });
    expect(JSON.stringify(body)).not.toContain(other.dealId);
    expect((await as('rep')('GET', `/api/v1/dashboards/airtime-fill?channelId=${a.channelId}`)).statusCode).toBe(400);
  });
});
