/**
 * What a booking costs and how much airtime it takes, from the rate card (刊例价). Pure.
 * - list price: the price of the rate card for the channel × daypart × spot length valid on the air
 *   date (valid_from ≤ air date ≤ valid_to, open-ended without valid_to);
 * - net amount = list price × count × (1 − discount) × (1 − agency commission), rounded to the fen;
 *   a make-good (补播) is free of charge: 0;
 * - airtime = (count − missed spots) × length; a cancelled booking takes none.
 */
export interface RateCardRow {
  id: string;
  price: number;
  validFrom: string;
  validTo: string | null;
}

export function rateCardOn<T extends RateCardRow>(cards: readonly T[], airDate: string): T | undefined {
  return cards.find((card) => card.validFrom <= airDate && (card.validTo === null || airDate <= card.validTo));
}

export function netAmount(b: { listPrice: number; count: number; discountPercent: number; commissionPercent: number; makeGood: boolean }): number {
  if (b.makeGood) return 0;
  return Math.round((b.listPrice * b.count * (100 - b.discountPercent) * (100 - b.commissionPercent)) / 10_000);
}

export function airtimeSeconds(b: { count: number; missedCount: number; spotLength: number; status: string }): number {
  if (b.status === 'cancelled') return 0;
  return Math.max(0, b.count - b.missedCount) * b.spotLength;
}

/** A rate card of the same channel × daypart × length whose validity overlaps `card`'s, if any. */
export function overlappingRateCard<T extends RateCardRow>(card: RateCardRow, others: readonly T[]): T | undefined {
  const end = (to: string | null) => to ?? '9999-12-31';
  return others.find((o) => o.id !== card.id && o.validFrom <= end(card.validTo) && card.validFrom <= end(o.validTo));
}
