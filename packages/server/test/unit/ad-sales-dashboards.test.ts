import { describe, expect, it } from 'vitest';
import { airtimeFill, pipelineByStage, revenueByChannelMonth } from '../../src/modules/ad-sales/dashboards.js';

const stage = (id: string, position: number, probability: number) => ({
  id,
  code: id,
  name: id,
  position,
  probability,
  isWon: probability === 100,
  isLost: false,
});

describe('pipeline by stage', () => {
  it('orders stages by position, keeps empty ones, weights amounts by probability per currency', () => {
    const items = pipelineByStage(
      [
        { stageId: 'b', currency: 'CNY', count: 2, amount: 1000 },
        { stageId: 'b', currency: 'USD', count: 1, amount: 333 },
        { stageId: 'a', currency: 'CNY', count: 1, amount: 50 },
      ],
      [stage('b', 20, 30), stage('a', 10, 10), stage('c', 30, 100)],
    );
    expect(items.map((i) => [i.stageId, i.count])).toEqual([
      ['a', 1],
      ['b', 3],
      ['c', 0],
    ]);
    expect(items[1]?.amounts).toEqual([
      { currency: 'CNY', count: 2, amount: 1000, weightedAmount: 300 },
      { currency: 'USD', count: 1, amount: 333, weightedAmount: 100 },
    ]);
  });

  it('lists a stage it cannot name (the caller may not read stages) last, unweighted', () => {
    const items = pipelineByStage([{ stageId: 'x', currency: 'CNY', count: 1, amount: 10 }], []);
    expect(items).toEqual([
      {
        stageId: 'x',
        code: null,
        name: null,
        position: null,
        probability: null,
        isWon: false,
        isLost: false,
        count: 1,
        amounts: [{ currency: 'CNY', count: 1, amount: 10, weightedAmount: 0 }],
      },
    ]);
  });
});

describe('revenue by channel and month', () => {
  it('drops cancelled bookings and adds up the rest', () => {
    const rows = [
      { channelId: 'c1', airMonth: '2026-12', status: 'booked', count: 2, netAmount: 100 },
      { channelId: 'c1', airMonth: '2026-12', status: 'aired', count: 1, netAmount: 50 },
      { channelId: 'c1', airMonth: '2026-12', status: 'cancelled', count: 4, netAmount: 999 },
      { channelId: 'c1', airMonth: '2026-11', status: 'booked', count: 1, netAmount: 7 },
    ];
    expect(revenueByChannelMonth(rows, new Map([['c1', 'CCTV-1']]))).toEqual([
      { channelId: 'c1', channelCode: 'CCTV-1', month: '2026-11', bookings: 1, netAmount: 7 },
      { channelId: 'c1', channelCode: 'CCTV-1', month: '2026-12', bookings: 3, netAmount: 150 },
    ]);
  });
});

describe('airtime fill', () => {
  const rows = [
    { airHour: 19, publicService: false, count: 3, seconds: 600 },
    { airHour: 20, publicService: false, count: 2, seconds: 480 },
    { airHour: 20, publicService: true, count: 1, seconds: 30, spotLength: 15 },
    { airHour: 8, publicService: false, count: 1, seconds: 120 },
  ];
  it.each([
    // [kind, prime-time remaining (null: no window), share, met]
    ['tv', 0, 30 / 1200, false],
    ['radio', 1080, 30 / 1200, false],
    ['ott', null, 30 / 1200, false],
  ])('%s: window remaining %s, public-service share %s, met %s', (kind, remaining, share, met) => {
    const fill = airtimeFill(rows, { kind });
    expect(fill.hours[19]).toEqual({ hour: 19, commercialSeconds: 600, publicServiceSeconds: 0, capSeconds: 720, remainingSeconds: 120 });
    expect(fill.primeTime?.remainingSeconds ?? null).toBe(remaining);
    expect(fill.publicService.share).toBeCloseTo(share);
    expect(fill.publicService.met).toBe(met);
  });

  it('counts public-service spots in 19:00–21:00 on TV against the minimum of 4', () => {
    const more = [
      { airHour: 19, publicService: true, count: 1, seconds: 15, spotLength: 5 },
      { airHour: 21, publicService: true, count: 1, seconds: 30, spotLength: 5 },
    ];
    expect(airtimeFill([...rows, ...more], { kind: 'tv' }).primeTime).toMatchObject({ publicServiceSpots: 5, minimumPublicServiceSpots: 4 });
  });

  it('meets the 3 % minimum at exactly 3 %, and has no share on a day without commercials', () => {
    expect(airtimeFill([...rows, { airHour: 9, publicService: true, count: 1, seconds: 6 }], { kind: 'tv' }).publicService.met).toBe(true);
    expect(airtimeFill([], { kind: 'tv' }).publicService).toEqual({ seconds: 0, commercialSeconds: 0, share: null, minimumShare: 0.03, met: true });
  });
});
