import type { PrivacyRequestStatus } from '@castellan/shared';

/** Which status may follow which. Finished requests (completed, refused) change no more. */
const edges: Record<PrivacyRequestStatus, readonly PrivacyRequestStatus[]> = {
  // A request whose identity cannot be verified may be refused.
  unverified: ['verified', 'refused'],
  verified: ['in_progress', 'awaiting_requester', 'completed', 'refused'],
  in_progress: ['awaiting_requester', 'completed', 'refused'],
  awaiting_requester: ['in_progress', 'refused'],
  completed: [],
  refused: [],
};

const finished: ReadonlySet<PrivacyRequestStatus> = new Set(['completed', 'refused']);

/** The plain facts of a request that its write rules read. */
export interface RequestFacts {
  status: PrivacyRequestStatus;
  extended: boolean;
  extensionAllowed: boolean;
  hasResponse: boolean;
}

export interface WriteRefusal {
  status: 409 | 422;
  message: string;
}

/**
 * Whether a write of a request may land (pure). A new request starts unverified (from the portal)
 * or verified (entered by the officer, who checked the person); statuses follow the table above;
 * the one extension needs a law that allows it and a verified request; closing needs a response.
 * Nothing here closes a request because its deadline passed: an overdue request stays open.
 */
export function requestWriteRefusal(next: RequestFacts, previous: RequestFacts | undefined): WriteRefusal | undefined {
  if (!previous) {
    if (next.status !== 'unverified' && next.status !== 'verified') return { status: 422, message: 'a new request is unverified or verified' };
    if (next.extended) return { status: 422, message: 'a new request cannot start extended' };
    return undefined;
  }
  if (finished.has(previous.status)) {
    const same = next.status === previous.status && next.extended === previous.extended && next.hasResponse === previous.hasResponse;
    return same ? undefined : { status: 409, message: `the request is ${previous.status}: it can no longer be changed` };
  }
  if (next.status !== previous.status && !edges[previous.status].includes(next.status)) {
    return { status: 409, message: `a request that is ${previous.status} cannot become ${next.status}` };
  }
  if (next.extended !== previous.extended) {
    if (!next.extended) return { status: 409, message: 'an extension cannot be taken back' };
    if (!next.extensionAllowed) return { status: 422, message: 'this law allows no extension of the deadline' };
    if (previous.status === 'unverified') return { status: 409, message: 'verify the requester first: no deadline runs yet' };
  }
  if (finished.has(next.status) && !next.hasResponse) return { status: 422, message: 'write the response to the person before closing the request' };
  return undefined;
}
