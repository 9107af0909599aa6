/** What the API answers for an incident (GET /api/v1/breaches/:id). */
export interface IncidentClock {
  kind: 'gdpr_authority' | 'cac' | 'pipl_subjects';
  dueAt: string;
  windowMs: number;
  status: 'open' | 'reported' | 'overdue';
  reportedAt: string | null;
  remainingMs: number | null;
  escalation: number | null;
}

export interface Incident {
  id: string;
  discoveredAt: string;
  occurredAt: string | null;
  gradeInput: string;
  grade: string;
  reportableToCac: boolean;
  peopleAffected: number;
  categories: { category: string; sensitive: boolean }[];
  status: 'open' | 'contained' | 'closed';
  operatorKind: string;
  clocks: IncidentClock[];
  overdue: boolean;
  nextDueAt: string | null;
  escalations: { clock: string; percent: number; at: string }[];
  affected: { count: number | null; foundAt: string | null; compromisedUserId: string | null; from: string | null; to: string | null };
  personal: { description: string | null; notes: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

export const grades = ['general', 'relatively_major', 'major', 'especially_major'] as const;
