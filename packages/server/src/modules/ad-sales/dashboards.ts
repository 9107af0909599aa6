import { hourCapSeconds, primeTimeCapSeconds, primeTimeHours } from './airtime-cap.policy.js';

/**
 * The ad-sales dashboards computed from aggregate rows (counts and sums the store answered). Pure.
 * Public-service minimum: 公益广告 at least 3 % of the commercial time of a channel's day (总局令61号 第十五条).
 */
export const publicServiceMinimumShare = 0.03;

type Row = Record<string, unknown> & { count: number };
const num = (v: unknown): number => Number(v ?? 0);

export interface StageInfo {
  id: string;
  code: string;
  name: string;
  position: number;
  probability: number;
  isWon: boolean;
  isLost: boolean;
}

/** Deals by stage (in pipeline order), count and amount per currency, and the amount weighted by the stage's probability. */
export function pipelineByStage(rows: readonly Row[], stages: readonly StageInfo[]) {
  const known = new Map(stages.map((s) => [s.id, s]));
  const ids = [...new Set([...stages.map((s) => s.id), ...rows.map((r) => String(r.stageId))])];
  const items = ids.map((id) => {
    const stage = known.get(id);
    const mine = rows.filter((r) => String(r.stageId) === id);
    const probability = stage?.probability ?? 0;
    return {
      stageId: id,
      code: stage?.code ?? null,
      name: stage?.name ?? null,
      position: stage?.position ?? null,
      probability: stage ? probability : null,
      isWon: stage?.isWon ?? false,
      isLost: stage?.isLost ?? false,
      count: mine.reduce((sum, r) => sum + r.count, 0),
      amounts: mine
        .map((r) => ({ currency: String(r.currency), count: r.count, amount: num(r.amount), weightedAmount: Math.round((num(r.amount) * probability) / 100) }))
        .sort((a, b) => a.currency.localeCompare(b.currency)),
    };
  });
  return items.sort((a, b) => (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER));
}

/** Net revenue of bookings (not cancelled) by channel and month of air date. */
export function revenueByChannelMonth(rows: readonly Row[], channelCodes: ReadonlyMap<string, string>) {
  const groups = new Map<string, { channelId: string; channelCode: string | null; month: string; bookings: number; netAmount: number }>();
  for (const r of rows) {
    if (r.status === 'cancelled') continue;
    const key = `${r.channelId}|${r.airMonth}`;
    const g = groups.get(key) ?? {
      channelId: String(r.channelId),
      channelCode: channelCodes.get(String(r.channelId)) ?? null,
      month: String(r.airMonth),
      bookings: 0,
      netAmount: 0,
    };
    g.bookings += r.count;
    g.netAmount += num(r.netAmount);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => a.month.localeCompare(b.month) || (a.channelCode ?? a.channelId).localeCompare(b.channelCode ?? b.channelId));
}

/** Seconds used per clock hour against the 12-minute cap, 19:00–21:00 against 18 minutes on TV, and the public-service share. */
export function airtimeFill(rows: readonly Row[], channel: { kind: string }) {
  const hours = Array.from({ length: 24 }, (_, hour) => {
    const inHour = rows.filter((r) => num(r.airHour) === hour);
    const commercialSeconds = inHour.filter((r) => r.publicService !== true).reduce((sum, r) => sum + num(r.seconds), 0);
    const publicServiceSeconds = inHour.filter((r) => r.publicService === true).reduce((sum, r) => sum + num(r.seconds), 0);
    return { hour, commercialSeconds, publicServiceSeconds, capSeconds: hourCapSeconds, remainingSeconds: Math.max(0, hourCapSeconds - commercialSeconds) };
  });
  const prime = hours.filter((h) => primeTimeHours.includes(h.hour)).reduce((sum, h) => sum + h.commercialSeconds, 0);
  const commercial = hours.reduce((sum, h) => sum + h.commercialSeconds, 0);
  const publicService = hours.reduce((sum, h) => sum + h.publicServiceSeconds, 0);
  const share = commercial === 0 ? null : publicService / commercial;
  return {
    hours,
    primeTime:
      channel.kind === 'tv'
        ? { from: '19:00', to: '21:00', commercialSeconds: prime, capSeconds: primeTimeCapSeconds, remainingSeconds: Math.max(0, primeTimeCapSeconds - prime) }
        : null,
    publicService: {
      seconds: publicService,
      commercialSeconds: commercial,
      share,
      minimumShare: publicServiceMinimumShare,
      met: share === null || share >= publicServiceMinimumShare,
    },
  };
}
