import { ageDays, type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/** How often access is reviewed (等保 三级 practice: at least quarterly). */
export const reviewEveryDays = 90;

/** A review campaign started within 90 days, and no campaign past its due date with decisions still pending. */
export function accessReview(state: Pick<ComplianceState, 'accessReviews' | 'now'>): CheckOutcome {
  const newest = [...state.accessReviews].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  const overdue = state.accessReviews
    .filter((r) => r.status === 'open' && r.pending > 0 && Date.parse(r.dueAt) < state.now.getTime())
    .map((r) => r.id)
    .sort();
  const evidence = {
    reviews: state.accessReviews.length,
    lastReviewId: newest?.id ?? null,
    lastReviewAt: newest?.createdAt ?? null,
    lastReviewAgeDays: newest ? ageDays(newest.createdAt, state.now) : null,
    maxAgeDays: reviewEveryDays,
    overdueReviewIds: overdue,
  };
  if (!newest) return failing('no access review recorded', evidence);
  if (ageDays(newest.createdAt, state.now) > reviewEveryDays) return failing(`the last access review started more than ${reviewEveryDays} days ago`, evidence);
  if (overdue.length > 0) return failing(`${overdue.length} access review(s) are past their due date with decisions pending`, evidence);
  return passing(`the last access review started ${evidence.lastReviewAgeDays} day(s) ago`, evidence);
}
