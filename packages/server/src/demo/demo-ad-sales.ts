import { noRequest } from '../platform/audit/audit-event.js';
import type { RecordValues } from '../platform/data/protected-store.js';
import { addDays, count, type DemoStep, isoDate, madeOf, pick } from './demo-context.js';

/** Two channels: a TV channel (the 19:00–21:00 cap applies) and a radio frequency. */
export const demoChannels: DemoStep = {
  name: 'channels',
  async run(ctx) {
    const ids = await ctx.store.createMany(ctx.staff.salesManager, noRequest, 'channels', [
      { code: 'DEMO-TV1', name: '东方综合频道 Eastern TV 1', kind: 'tv' },
      { code: 'FM101.8', name: '都市之声 City FM 101.8', kind: 'radio' },
    ]);
    ctx.made.set('channels', ids);
    return ids.length;
  },
};

/** Dayparts (时段), their breaks and the rate card (刊例价) of each channel. */
const airtimePlan = {
  tv: [
    { name: '早间 Morning', startTime: '06:00', endTime: '09:00', breaks: ['07:00', '08:00'], price30: 1_800_000 },
    { name: '日间 Daytime', startTime: '09:00', endTime: '18:00', breaks: ['10:00', '12:00', '15:00'], price30: 1_200_000 },
    { name: '黄金时段 Prime time', startTime: '18:00', endTime: '22:00', breaks: ['18:30', '19:30', '20:30', '21:30'], price30: 9_600_000 },
    { name: '夜间 Late night', startTime: '22:00', endTime: '24:00', breaks: ['22:30'], price30: 900_000 },
  ],
  radio: [
    { name: '早高峰 Morning drive', startTime: '07:00', endTime: '09:00', breaks: ['07:30', '08:30'], price30: 300_000 },
    { name: '日间 Daytime', startTime: '09:00', endTime: '17:00', breaks: ['11:00', '14:00'], price30: 120_000 },
    { name: '晚高峰 Evening drive', startTime: '17:00', endTime: '19:00', breaks: ['17:30', '18:30'], price30: 260_000 },
  ],
} as const;
const lengthFactor: Record<number, number> = { 5: 0.3, 10: 0.5, 15: 0.7, 30: 1 };

export const demoAirtime: DemoStep = {
  name: 'dayparts, breaks and rate cards',
  async run(ctx) {
    const [tv, radio] = madeOf(ctx, 'channels') as [string, string];
    const manager = ctx.staff.salesManager;
    const breaks: { id: string; channelId: string }[] = [];
    let made = 0;
    const validFrom = isoDate(addDays(ctx.now, -90));
    for (const [channelId, plan] of [
      [tv, airtimePlan.tv],
      [radio, airtimePlan.radio],
    ] as const) {
      for (const part of plan) {
        const daypart = await ctx.store.create(manager, noRequest, 'dayparts', {
          channelId,
          name: part.name,
          startTime: part.startTime,
          endTime: part.endTime,
        });
        const daypartId = daypart.id as string;
        const breakIds = await ctx.store.createMany(
          manager,
          noRequest,
          'breaks',
          part.breaks.map((startTime, i) => ({ channelId, daypartId, name: `${part.name.split(' ')[0]} A${i + 1}`, startTime, maxDuration: 180 })),
        );
        for (const id of breakIds) breaks.push({ id, channelId });
        await ctx.store.createMany(
          manager,
          noRequest,
          'rate_cards',
          [5, 10, 15, 30].map((spotLength) => ({
            channelId,
            daypartId,
            spotLength,
            price: Math.round((part.price30 * (lengthFactor[spotLength] ?? 1)) / 100) * 100,
            validFrom,
          })),
        );
        made += 1 + breakIds.length + 4;
      }
    }
    ctx.made.set(
      'breaks',
      breaks.map((b) => `${b.channelId}|${b.id}`),
    );
    return made;
  },
};

/** Deals in every pipeline stage, for the two sellers, with their bookings for the week and a contract per won deal. */
export const demoDeals: DemoStep = {
  name: 'deals, bookings and contracts',
  async run(ctx) {
    const stages = (await ctx.store.list(ctx.staff.salesManager, noRequest, 'deal_stages', { limit: 50 })).items;
    const advertisers = madeOf(ctx, 'advertisers');
    const agencies = madeOf(ctx, 'agencies');
    const breaks = madeOf(ctx, 'breaks').map((b) => b.split('|') as [string, string]);
    let made = 0;
    for (const seller of ['salesRepEast', 'salesRepNorth'] as const) {
      const actor = ctx.staff[seller];
      const contacts = madeOf(ctx, `contacts:${seller}`);
      const faker = seller === 'salesRepEast' ? ctx.zh : ctx.en;
      const deals: { id: string; won: boolean }[] = [];
      for (let i = 0; i < Math.max(stages.length, count(ctx, 20)); i += 1) {
        const stage = stages[i % stages.length] as RecordValues;
        const start = addDays(ctx.now, faker.number.int({ min: -10, max: 20 }));
        const deal = await ctx.store.create(actor, noRequest, 'deals', {
          name: `${faker.commerce.productName()} ${start.getUTCFullYear()} ${i % 2 ? '春季' : 'Q4'} campaign`,
          accountId: pick(faker, advertisers),
          agencyId: i % 3 === 0 ? pick(faker, agencies) : null,
          contactId: pick(faker, contacts),
          stageId: stage.id as string,
          amount: faker.number.int({ min: 20, max: 800 }) * 1_000_000,
          currency: 'CNY',
          flightStart: isoDate(start),
          flightEnd: isoDate(addDays(start, 28)),
          notes: faker.lorem.sentence(),
        });
        deals.push({ id: deal.id as string, won: Boolean(stage.isWon) });
      }
      // A week of bookings (from three days ago) for the won deals, well inside every cap.
      const won = deals.filter((d) => d.won);
      const bookings: RecordValues[] = [];
      for (let day = -3; day < 4; day += 1)
        for (const [b, [channelId, breakId]] of breaks.entries())
          if ((b + day) % 3 === (seller === 'salesRepEast' ? 0 : 1) && won.length)
            bookings.push({
              dealId: (won[(b + day + 7) % won.length] as { id: string }).id,
              channelId,
              breakId,
              airDate: isoDate(addDays(ctx.now, day)),
              spotLength: pick(faker, [5, 10, 15, 30]),
              count: faker.number.int({ min: 1, max: 3 }),
              discountPercent: pick(faker, [0, 5, 10, 15]),
              commissionPercent: b % 2 ? 15 : 0,
              publicService: b % 9 === 0,
            });
      const bookingIds = await ctx.store.createMany(actor, noRequest, 'bookings', bookings);
      made += deals.length + bookingIds.length;
      for (const [i, deal] of won.entries()) {
        const contract = await ctx.store.create(actor, noRequest, 'contracts', {
          dealId: deal.id,
          number: `GG-${ctx.now.getUTCFullYear()}-${seller === 'salesRepEast' ? 'E' : 'N'}${String(i + 1).padStart(3, '0')}`,
          total: faker.number.int({ min: 50, max: 500 }) * 1_000_000,
        });
        if (i % 3 !== 0) await ctx.store.update(actor, noRequest, 'contracts', contract.id as string, { status: 'submitted' });
        if (i % 3 === 1) await ctx.store.update(ctx.staff.salesManager, noRequest, 'contracts', contract.id as string, { status: 'approved' });
        made += 1;
      }
    }
    return made;
  },
};
