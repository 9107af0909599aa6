/**
 * As-run confirmation (广告播出证明) and make-goods (补播). Pure.
 * As-run confirms every spot of a booking: aired + missed + mis-aired = count. The booking's status
 * follows the worst outcome (missed, then mis-aired, else aired). A make-good replaces missed or
 * mis-aired spots, free of charge; the make-goods of a booking (not cancelled) may not exceed its
 * missed + mis-aired spots.
 */
export interface AsRun {
  aired: number;
  missed: number;
  misaired: number;
}

export function asRunRefusal(booking: { count: number; status: string }, run: AsRun): string | null {
  if (booking.status === 'cancelled') return 'a cancelled booking has no as-run';
  const total = run.aired + run.missed + run.misaired;
  if (total !== booking.count) {
    return `the as-run must confirm each of the booking's ${booking.count} spots (aired ${run.aired} + missed ${run.missed} + mis-aired ${run.misaired} = ${total})`;
  }
  return null;
}

export function statusAfterAsRun(run: AsRun): 'aired' | 'missed' | 'misaired' {
  if (run.missed > 0) return 'missed';
  if (run.misaired > 0) return 'misaired';
  return 'aired';
}

export interface MakeGoodCheck {
  original: { id: string; missedCount: number; misairedCount: number; status: string };
  /** Spots already made good by the original's other make-goods (cancelled ones excluded). */
  alreadyMadeGood: number;
  requested: number;
}

export function makeGoodRefusal({ original, alreadyMadeGood, requested }: MakeGoodCheck): string | null {
  const owed = original.missedCount + original.misairedCount;
  if (original.status === 'cancelled') return 'a cancelled booking has no spots to make good';
  if (owed === 0) return `booking ${original.id} has no missed or mis-aired spots to make good`;
  if (alreadyMadeGood + requested > owed) {
    return `booking ${original.id} has ${owed} missed or mis-aired spot(s) and ${alreadyMadeGood} already made good; ${requested} more cannot be made good (at most ${Math.max(0, owed - alreadyMadeGood)})`;
  }
  return null;
}
