import type { CaseStatus } from '@castellan/shared';

/**
 * Where a case may go from each status. A case starts as new (or open, when the agent answers at
 * once); it is reopened from resolved; closed is final. Closing needs a resolution; satisfaction is
 * collected once the case is resolved.
 */
export const caseTransitions: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['open', 'waiting_customer', 'resolved', 'closed'],
  open: ['waiting_customer', 'resolved', 'closed'],
  waiting_customer: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export const initialCaseStatuses: readonly CaseStatus[] = ['new', 'open'];

export interface CaseWrite {
  status: CaseStatus;
  hasResolution: boolean;
  satisfaction: number | null;
}

/** Why a write of a case is refused (a message for a 409 or 422), or null when it may land. */
export function caseWriteRefusal(next: CaseWrite, previous: CaseWrite | undefined): { status: 409 | 422; message: string } | null {
  if (!previous && !initialCaseStatuses.includes(next.status)) {
    return { status: 422, message: `a case starts as ${initialCaseStatuses.join(' or ')}, not ${next.status}` };
  }
  if (previous && previous.status !== next.status && !caseTransitions[previous.status].includes(next.status)) {
    const allowed = caseTransitions[previous.status];
    return {
      status: 409,
      message: `a ${previous.status} case cannot become ${next.status}${allowed.length ? ` (it may become ${allowed.join(', ')})` : ' (closed is final)'}`,
    };
  }
  if (next.status === 'closed' && !next.hasResolution) return { status: 422, message: 'a case is closed only with its resolution: give resolution' };
  if (next.satisfaction !== null && next.status !== 'resolved' && next.status !== 'closed' && (previous?.satisfaction ?? null) !== next.satisfaction) {
    return { status: 422, message: `satisfaction is collected once the case is resolved (it is ${next.status})` };
  }
  return null;
}
