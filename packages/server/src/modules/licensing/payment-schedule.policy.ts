/**
 * Payment schedules of licences (pure): the instalments of a licence may not add up to more than its
 * fee; a payment is `paid` once received, `overdue` when unpaid after its due date, else `due`.
 */
export type PaymentStatus = 'due' | 'paid' | 'overdue';

export interface ScheduledPayment {
  readonly id: string;
  readonly amountFen: number;
  readonly dueDate: string;
  readonly paidOn: string | null;
}

export function paymentStatus(payment: { dueDate: string; paidOn: string | null }, today: string): PaymentStatus {
  if (payment.paidOn) return 'paid';
  return payment.dueDate < today ? 'overdue' : 'due';
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * Why a payment schedule is refused (409), or null: the payments of the licence (the one being
 * written replacing its previous version) must not exceed the fee.
 */
export function scheduleRefusal(
  feeFen: number,
  currency: string,
  others: readonly ScheduledPayment[],
  written: { id: string; amountFen: number },
): string | null {
  const total = others.filter((p) => p.id !== written.id).reduce((sum, p) => sum + p.amountFen, 0) + written.amountFen;
  if (total <= feeFen) return null;
  return `the payment schedule would total ${total} fen (${yuan(total)} ${currency}), more than the licence fee of ${feeFen} fen (${yuan(feeFen)} ${currency}) by ${total - feeFen} fen`;
}

/** Why a licence fee is refused (409): lowered below what its schedule already holds. */
export function feeRefusal(feeFen: number, currency: string, payments: readonly ScheduledPayment[]): string | null {
  const scheduled = payments.reduce((sum, p) => sum + p.amountFen, 0);
  if (scheduled <= feeFen) return null;
  return `the licence fee of ${feeFen} fen (${yuan(feeFen)} ${currency}) would be less than its payment schedule, which totals ${scheduled} fen (${yuan(scheduled)} ${currency})`;
}

export interface ScheduleSummary {
  feeFen: number;
  scheduledFen: number;
  unscheduledFen: number;
  paidFen: number;
  dueFen: number;
  overdueFen: number;
}

/** What a licence's schedule adds up to, as of today. */
export function scheduleSummary(feeFen: number, payments: readonly ScheduledPayment[], today: string): ScheduleSummary {
  const sum = (status: PaymentStatus) => payments.filter((p) => paymentStatus(p, today) === status).reduce((s, p) => s + p.amountFen, 0);
  const scheduledFen = payments.reduce((s, p) => s + p.amountFen, 0);
  return { feeFen, scheduledFen, unscheduledFen: Math.max(0, feeFen - scheduledFen), paidFen: sum('paid'), dueFen: sum('due'), overdueFen: sum('overdue') };
}
