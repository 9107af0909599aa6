import { can } from '../../platform/authz/access-policy.js';
import type { ProtectedStore, Value } from '../../platform/data/protected-store.js';
import { AppError, conflict } from '../../platform/errors.js';
import { type ContractStatus, contractRefusal } from './contract-transition.policy.js';

const editable = ['dealId', 'number', 'total', 'ownerId', 'teamId'] as const;
const idOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Contracts: the approval step (contract-transition.policy.ts); who drafted, submitted and decided is set by the system. */
export function defineContractRules(store: ProtectedStore): void {
  store.defineRules('contracts', {
    derive(rc, input, previous): Record<string, Value> {
      const now = rc.now.toISOString();
      if (!previous) return { createdBy: rc.actor.userId };
      if (input.status === undefined || input.status === previous.status) return {};
      if (input.status === 'submitted') return { submittedBy: rc.actor.userId, submittedAt: now };
      if (input.status === 'approved' || input.status === 'rejected') return { approvedBy: rc.actor.userId, decidedAt: now };
      return {};
    },
    beforeWrite(rc, next, previous) {
      const refusal = contractRefusal({
        from: previous ? (String(previous.status) as ContractStatus) : undefined,
        to: String(next.status) as ContractStatus,
        editsFields: previous ? editable.some((k) => next[k] !== previous[k]) : false,
        actorId: rc.actor.userId,
        createdBy: idOrNull(previous?.createdBy),
        submittedBy: idOrNull(previous?.submittedBy),
        canApprove: can(rc.actor, 'contracts.approve'),
      });
      if (refusal) throw refusal.status === 403 ? new AppError('forbidden', 403, refusal.message) : conflict(refusal.message);
    },
  });
}
