import { can } from '../../platform/authz/access-policy.js';
import type { PlainRecord, ProtectedStore, RuleContext, Value } from '../../platform/data/protected-store.js';
import { conflict, forbidden, unprocessable } from '../../platform/errors.js';
import { type AirtimeUse, airtimeRefusal, hourOf } from './airtime-cap.policy.js';
import { asRunRefusal, makeGoodRefusal, statusAfterAsRun } from './as-run.policy.js';
import { airtimeSeconds, netAmount, rateCardOn } from './booking-price.policy.js';

const text = (v: unknown): string => String(v ?? '');
const num = (v: unknown, fallback = 0): number => (v === null || v === undefined ? fallback : Number(v));
const placementFields = ['channelId', 'breakId', 'airDate', 'spotLength', 'count'] as const;
const asRunFields = ['airedCount', 'missedCount', 'misairedCount', 'airedAt'] as const;
const asRunStatuses = new Set(['aired', 'missed', 'misaired']);

function merged(input: Readonly<Record<string, Value | undefined>>, previous: PlainRecord | undefined): Record<string, Value> {
  const out: Record<string, Value> = { ...(previous ?? {}) };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) out[k] = v;
  return out;
}

async function one(rc: RuleContext, object: 'breaks' | 'channels' | 'bookings', id: unknown, label: string): Promise<PlainRecord> {
  const [row] = id ? await rc.plainRows(object, { id: text(id) }) : [];
  if (!row) throw unprocessable(`${label} does not name a ${object.replace(/s$/, '')} you can see`);
  return row;
}

/** The booking's derived values: daypart, clock hour, month, airtime, list price (rate card) and net amount. */
async function deriveBooking(
  rc: RuleContext,
  input: Readonly<Record<string, Value | undefined>>,
  previous: PlainRecord | undefined,
): Promise<Record<string, Value>> {
  const v = merged(input, previous);
  const slot = await one(rc, 'breaks', v.breakId, 'breakId');
  if (text(slot.channelId) !== text(v.channelId)) throw unprocessable(`the break at ${text(slot.startTime)} is on another channel`);
  const moved = !previous || placementFields.some((k) => k !== 'count' && input[k] !== undefined && input[k] !== previous[k]);
  let listPrice = num(previous?.listPrice);
  if (moved) {
    const channel = await one(rc, 'channels', v.channelId, 'channelId');
    const cards = await rc.plainRows('rate_cards', { channelId: text(v.channelId), daypartId: text(slot.daypartId), spotLength: num(v.spotLength) });
    const card = rateCardOn(
      cards.map((c) => ({ id: text(c.id), price: num(c.price), validFrom: text(c.validFrom), validTo: (c.validTo as string | null) ?? null })),
      text(v.airDate),
    );
    if (!card) throw conflict(`no rate card prices ${num(v.spotLength)} s spots in this daypart of ${text(channel.code)} on ${text(v.airDate)}`);
    listPrice = card.price;
  }
  const status = text(v.status ?? 'booked');
  return {
    daypartId: text(slot.daypartId),
    airHour: hourOf(text(slot.startTime)),
    airMonth: text(v.airDate).slice(0, 7),
    seconds: airtimeSeconds({ count: num(v.count), missedCount: num(v.missedCount), spotLength: num(v.spotLength), status }),
    listPrice,
    netAmount: netAmount({
      listPrice,
      count: num(v.count),
      discountPercent: num(v.discountPercent),
      commissionPercent: num(v.commissionPercent),
      makeGood: v.makeGoodOf !== null && v.makeGoodOf !== undefined,
    }),
  };
}

const changed = (next: PlainRecord, previous: PlainRecord | undefined, fields: readonly string[]) =>
  fields.filter((k) => (previous ? next[k] !== previous[k] : next[k] !== null && next[k] !== 0 && next[k] !== undefined));

/** Lifecycle: created booked; cancelled is final; as-run needs bookings.confirm and confirms every spot. */
function checkLifecycle(rc: RuleContext, next: PlainRecord, previous: PlainRecord | undefined): boolean {
  const status = text(next.status);
  if (!previous) {
    if (status !== 'booked' || changed(next, undefined, asRunFields).length > 0)
      throw conflict('a booking starts as booked; its as-run is confirmed after it airs');
    return false;
  }
  const before = text(previous.status);
  if (before === 'cancelled') throw conflict('a cancelled booking cannot be changed');
  if (previous.makeGoodOf !== next.makeGoodOf) throw conflict('a booking cannot become or stop being a make-good');
  const asRun = changed(next, previous, asRunFields).length > 0 || (status !== before && asRunStatuses.has(status));
  if (asRunStatuses.has(before) && changed(next, previous, placementFields).length > 0)
    throw conflict('the as-run is confirmed: the placement of the spots cannot change');
  if (status === 'cancelled' && asRunStatuses.has(before)) throw conflict(`a booking confirmed ${before} cannot be cancelled`);
  if (status === 'booked' && before !== 'booked') throw conflict('an as-run is corrected by another as-run, not undone');
  if (!asRun) return false;
  if (!can(rc.actor, 'bookings.confirm')) throw forbidden('missing permission bookings.confirm to confirm an as-run');
  const run = { aired: num(next.airedCount), missed: num(next.missedCount), misaired: num(next.misairedCount) };
  const refusal = asRunRefusal({ count: num(next.count), status: before }, run);
  if (refusal) throw unprocessable(refusal);
  if (status !== statusAfterAsRun(run)) throw unprocessable(`with this as-run the booking is ${statusAfterAsRun(run)}, not ${status}`);
  if (next.airedAt && Date.parse(text(next.airedAt)) > rc.now.getTime()) throw unprocessable('airedAt is in the future');
  return true;
}

async function madeGood(rc: RuleContext, originalId: string, except: string): Promise<number> {
  const rows = await rc.plainRows('bookings', { makeGoodOf: originalId });
  return rows.filter((r) => text(r.id) !== except && r.status !== 'cancelled').reduce((sum, r) => sum + num(r.count), 0);
}

async function checkMakeGood(rc: RuleContext, next: PlainRecord): Promise<void> {
  const originalId = text(next.makeGoodOf);
  await rc.lock(`make-good:${originalId}`);
  const original = await one(rc, 'bookings', originalId, 'makeGoodOf');
  if (text(original.dealId) !== text(next.dealId) || num(original.spotLength) !== num(next.spotLength)) {
    throw unprocessable('a make-good keeps the deal and the spot length of the booking it makes good');
  }
  if (text(next.status) === 'cancelled') return;
  const refusal = makeGoodRefusal({
    original: { id: originalId, missedCount: num(original.missedCount), misairedCount: num(original.misairedCount), status: text(original.status) },
    alreadyMadeGood: await madeGood(rc, originalId, text(next.id)),
    requested: num(next.count),
  });
  if (refusal) throw conflict(refusal);
}

/** The caps of 总局令61号 over every booking of the channel on that date, serialised per channel and day. */
async function checkAirtime(rc: RuleContext, next: PlainRecord): Promise<void> {
  const channelId = text(next.channelId);
  const date = text(next.airDate);
  await rc.lock(`airtime:${channelId}:${date}`);
  const channel = await one(rc, 'channels', channelId, 'channelId');
  const slot = await one(rc, 'breaks', next.breakId, 'breakId');
  const use = (r: PlainRecord): AirtimeUse => ({
    hour: num(r.airHour),
    breakId: text(r.breakId),
    seconds: num(r.seconds),
    publicService: r.publicService === true,
  });
  const others = (await rc.plainRows('bookings', { channelId, airDate: date })).filter((r) => text(r.id) !== text(next.id)).map(use);
  const refusal = airtimeRefusal({
    channel: { code: text(channel.code), kind: text(channel.kind) },
    date,
    others,
    booking: use(next),
    breakSlot: { startTime: text(slot.startTime), maxDuration: num(slot.maxDuration) },
  });
  if (refusal) throw conflict(refusal);
}

/**
 * Bookings: price and airtime derived from the rate card and the break; the lifecycle and as-run;
 * make-goods limited to the missed and mis-aired spots; the airtime caps. Locks are always taken in
 * the same order (make-good, then airtime) so parallel writes queue instead of deadlocking.
 */
export function defineBookingRules(store: ProtectedStore): void {
  store.defineRules('bookings', {
    derive: deriveBooking,
    async beforeWrite(rc, next, previous) {
      const asRun = checkLifecycle(rc, next, previous);
      if (next.makeGoodOf) await checkMakeGood(rc, next);
      if (asRun) {
        // Fewer missed spots may not leave more make-goods than are owed.
        await rc.lock(`make-good:${text(next.id)}`);
        const owed = num(next.missedCount) + num(next.misairedCount);
        const given = await madeGood(rc, text(next.id), '');
        if (given > owed) throw conflict(`${given} spot(s) of this booking are already made good; the as-run leaves only ${owed} missed or mis-aired`);
      }
      await checkAirtime(rc, next);
    },
  });
}
