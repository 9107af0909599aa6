import { createdRecord } from './calls.js';
import type { SampleCall, SampleMaker } from './types.js';

let serial = 0;

export interface AirtimeFixture {
  channelId: string;
  code: string;
  daypartId: string;
  /** Breaks by start time HH:MM. */
  breaks: Record<string, string>;
  /** List price (fen) per spot length. */
  prices: Record<number, number>;
}

/**
 * A channel with one daypart 00:00–24:00, breaks at the times given (capacity 3600 s
 * unless given), and a rate card for 5/10/15/30 s valid from 2026-01-01 — made by a sales manager.
 */
export async function airtimeFixture(
  manager: SampleCall,
  kind: 'tv' | 'radio' | 'ott' = 'tv',
  breakTimes: readonly string[] = ['18:59', '19:00', '19:30', '20:59', '21:00'],
  capacity = 3600,
): Promise<AirtimeFixture> {
  serial += 1;
  const code = `${kind.toUpperCase()}-${serial}-${Math.floor(Math.random() * 1e6)}`;
  const channel = await createdRecord(manager, '/api/v1/channels', { code, name: `测试频道 ${serial}`, kind });
  const daypart = await createdRecord(manager, '/api/v1/dayparts', { channelId: channel.id, name: '全天 all day', startTime: '00:00', endTime: '24:00' });
  const breaks: Record<string, string> = {};
  for (const startTime of breakTimes)
    breaks[startTime] = (
      await createdRecord(manager, '/api/v1/breaks', { channelId: channel.id, daypartId: daypart.id, startTime, maxDuration: capacity, name: `B ${startTime}` })
    ).id;
  const prices: Record<number, number> = { 5: 20_000, 10: 36_000, 15: 50_000, 30: 90_000 };
  for (const [spotLength, price] of Object.entries(prices))
    await createdRecord(manager, '/api/v1/rate-cards', {
      channelId: channel.id,
      daypartId: daypart.id,
      spotLength: Number(spotLength),
      price,
      validFrom: '2026-01-01',
    });
  return { channelId: channel.id, code, daypartId: daypart.id, breaks, prices };
}

/** The id of a default deal stage by its code (enquiry, proposal, negotiation, won, lost). */
export async function stageId(call: SampleCall, code: string): Promise<string> {
  const res = await call('GET', `/api/v1/deal-stages?code=${code}`);
  const id = res.json().items?.[0]?.id;
  if (!id) throw new Error(`no deal stage ${code}: ${res.body}`);
  return id;
}

/** An advertiser and a deal on it (in the caller's scope), optionally with a contact and notes. */
export async function dealFixture(call: SampleCall, extra: { notes?: string; contactName?: string; amount?: number; stage?: string } = {}) {
  serial += 1;
  const account = await createdRecord(call, '/api/v1/accounts', { name: `广告主 Advertiser ${serial}`, kind: 'advertiser', country: 'CN' });
  const contact = extra.contactName ? await createdRecord(call, '/api/v1/contacts', { name: extra.contactName, accountId: account.id }) : undefined;
  const deal = await createdRecord(call, '/api/v1/deals', {
    name: `Campaign ${serial}`,
    accountId: account.id,
    stageId: await stageId(call, extra.stage ?? 'proposal'),
    amount: extra.amount ?? 1_000_000,
    flightStart: '2026-12-01',
    flightEnd: '2026-12-31',
    ...(contact ? { contactId: contact.id } : {}),
    ...(extra.notes ? { notes: extra.notes } : {}),
  });
  return { accountId: account.id as string, contactId: contact?.id as string | undefined, dealId: deal.id as string, deal };
}

/** One record of each ad-sales object, for the catalogue-wide attack suite. */
export const adSalesSamples: SampleMaker = async ({ as }) => {
  const seller = ['sales_manager'];
  const call = as(seller);
  const airtime = await airtimeFixture(call, 'tv', ['19:30']);
  const notes = 'Called Quintavalle Zbigniewska about the 春节 campaign; prefers 13900001111';
  const { dealId } = await dealFixture(call, { notes, contactName: '欧阳广告 Ouyang Guanggao' });
  const booking = await createdRecord(call, '/api/v1/bookings', {
    dealId,
    channelId: airtime.channelId,
    breakId: airtime.breaks['19:30'],
    airDate: '2026-12-05',
    spotLength: 15,
    count: 2,
  });
  const contract = await createdRecord(call, '/api/v1/contracts', { dealId, number: `HT-${Date.now()}-${serial}`, total: 1_000_000 });
  const rateCards = (await call('GET', `/api/v1/rate-cards?channelId=${airtime.channelId}`)).json().items;
  return [
    { object: 'deals', id: dealId, by: seller, patch: { amount: 2_000_000 }, secrets: [notes] },
    { object: 'bookings', id: booking.id, by: seller, patch: { discountPercent: 5 } },
    { object: 'contracts', id: contract.id, by: seller, patch: { total: 900_000 } },
    { object: 'dayparts', id: airtime.daypartId, by: seller },
    { object: 'breaks', id: airtime.breaks['19:30'] as string, by: seller },
    { object: 'rate_cards', id: rateCards[0].id, by: seller },
    { object: 'deal_stages', id: await stageId(call, 'proposal'), by: seller },
  ];
};
