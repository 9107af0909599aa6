import { privacyLaws, privacyRequestKinds, privacyRequestStatuses } from '@castellan/shared';

/** The choices of a request, as the API names them (labels come from the `privacy` namespace): the shared catalogue's lists. */
export const requestKinds = privacyRequestKinds;
export const requestLaws = privacyLaws;
export const requestStatuses = privacyRequestStatuses;

/** A request as the staff API returns it (the fields the workspace shows). */
export interface PrivacyRequest {
  id: string;
  kind: string;
  law: string;
  format: string | null;
  source: string;
  requesterName: string | null;
  requesterEmail: string | null;
  details: string | null;
  contactId: string | null;
  status: string;
  receivedAt: string;
  verifiedAt: string | null;
  dueAt: string | null;
  dueDay: string | null;
  extended: boolean;
  extensionReason: string | null;
  reminderStage: number;
  overdue: boolean;
  response: string | null;
  closedAt: string | null;
  ownerId: string;
}

export interface HistoryEvent {
  id: string;
  at: string;
  actorUserId: string | null;
  step: string;
  fromStatus: string | null;
  toStatus: string | null;
  detail: Record<string, string | number | boolean | null>;
}

export const isOpen = (status: string): boolean => status !== 'completed' && status !== 'refused';
