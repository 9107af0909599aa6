/**
 * The approval step of a contract (合同审批): draft → submitted → approved / rejected. Pure.
 * Submitting needs `contracts.update`; approving and rejecting need `contracts.approve` and a person
 * other than the contract's author (who drafted or submitted it) — separation of duties.
 * Only a draft may be edited; approved and rejected are final.
 */
export type ContractStatus = 'draft' | 'submitted' | 'approved' | 'rejected';
export type ContractAction = 'submit' | 'approve' | 'reject';

interface Transition {
  from: ContractStatus;
  to: ContractStatus;
  action: ContractAction;
  /** Needs `contracts.approve` and an actor who is not the author. */
  decision: boolean;
}

export const contractTransitions: readonly Transition[] = [
  { from: 'draft', to: 'submitted', action: 'submit', decision: false },
  { from: 'submitted', to: 'approved', action: 'approve', decision: true },
  { from: 'submitted', to: 'rejected', action: 'reject', decision: true },
];

export const targetOf = (action: ContractAction): ContractStatus => (contractTransitions.find((t) => t.action === action) as Transition).to;

export interface ContractChange {
  from: ContractStatus | undefined;
  to: ContractStatus;
  /** Fields other than the status that the write changes. */
  editsFields: boolean;
  actorId: string | null;
  createdBy: string | null;
  submittedBy: string | null;
  canApprove: boolean;
}

export interface Refusal {
  status: 403 | 409;
  message: string;
}

export function contractRefusal(change: ContractChange): Refusal | null {
  const { from, to } = change;
  if (from === undefined) return to === 'draft' ? null : { status: 409, message: `a contract starts as a draft, not ${to}` };
  if (from === to)
    return change.editsFields && from !== 'draft' ? { status: 409, message: `a contract that is ${from} cannot be changed; only a draft can` } : null;
  if (change.editsFields) return { status: 409, message: 'change the contract and its status in separate steps' };
  const transition = contractTransitions.find((t) => t.from === from && t.to === to);
  if (!transition) {
    const allowed = contractTransitions.filter((t) => t.from === from).map((t) => t.to);
    return { status: 409, message: `a contract that is ${from} cannot become ${to}${allowed.length ? ` (only ${allowed.join(' or ')})` : ' (it is final)'}` };
  }
  if (transition.decision) {
    if (!change.canApprove) return { status: 403, message: `missing permission contracts.approve to ${transition.action} a contract` };
    const authors = [change.createdBy, change.submittedBy].filter((a): a is string => a !== null);
    if (change.actorId !== null && authors.includes(change.actorId)) {
      return { status: 409, message: `you drafted or submitted this contract; another person with contracts.approve must ${transition.action} it` };
    }
  }
  return null;
}
