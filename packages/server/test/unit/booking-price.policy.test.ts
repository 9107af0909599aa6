import { describe, expect, it } from 'vitest';
import { airtimeSeconds, netAmount, overlappingRateCard, rateCardOn } from '../../src/modules/ad-sales/booking-price.policy.js';

const cards = [
  { id: 'a', price: 100_00, validFrom: '2026-01-01', validTo: '2026-06-30' },
  { id: 'b', price: 120_00, validFrom: '2026-07-01', validTo: null },
];

describe('rate card on an air date', () => {
  it.each([
    ['2025-12-31', undefined],
    ['2026-01-01', 'a'],
    ['2026-06-30', 'a'],
    ['2026-07-01', 'b'],
    ['2039-01-01', 'b'],
  ])('%s → %s', (date, id) => expect(rateCardOn(cards, date)?.id).toBe(id));
});

describe('net amount', () => {
  it.each([
    // [list, count, discount %, commission %, make-good, net]
    [100_00, 3, 0, 0, false, 300_00],
    [100_00, 3, 10, 0, false, 270_00],
    [100_00, 3, 10, 15, false, 229_50],
    [333, 1, 33, 0, false, 223],
    [100_00, 2, 100, 0, false, 0],
    [100_00, 4, 0, 0, true, 0],
  ])('%i x %i less %i %% less %i %%, make-good %s → %i', (listPrice, count, discountPercent, commissionPercent, makeGood, net) => {
    expect(netAmount({ listPrice, count, discountPercent, commissionPercent, makeGood })).toBe(net);
  });
});

describe('airtime of a booking', () => {
  it.each([
    [4, 0, 15, 'booked', 60],
    [4, 1, 15, 'missed', 45],
    [4, 4, 30, 'missed', 0],
    [4, 0, 15, 'cancelled', 0],
    [48, 0, 15, 'booked', 720],
  ])('%i spots, %i missed, %i s, %s → %i s', (count, missedCount, spotLength, status, seconds) => {
    expect(airtimeSeconds({ count, missedCount, spotLength, status })).toBe(seconds);
  });
});

describe('overlapping rate cards', () => {
  it.each([
    [{ id: 'n', price: 1, validFrom: '2025-01-01', validTo: '2025-12-31' }, undefined],
    [{ id: 'n', price: 1, validFrom: '2025-01-01', validTo: '2026-01-01' }, 'a'],
    [{ id: 'n', price: 1, validFrom: '2026-06-30', validTo: '2026-06-30' }, 'a'],
    [{ id: 'n', price: 1, validFrom: '2030-01-01', validTo: null }, 'b'],
    [{ id: 'a', price: 1, validFrom: '2026-01-01', validTo: '2026-06-30' }, undefined],
  ])('%o overlaps %s', (card, id) => expect(overlappingRateCard(card, cards)?.id).toBe(id));
});
