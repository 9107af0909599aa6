/** The audit log's filters as the screen holds them, and the query of GET /api/v1/audit-events they make. */
export interface AuditFilters {
  actor: string;
  subject: string;
  contact: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
  resource: string;
  resourceId: string;
}

export const emptyFilters: AuditFilters = { actor: '', subject: '', contact: '', action: '', outcome: '', from: '', to: '', resource: '', resourceId: '' };

/** A `datetime-local` value (the person's local time) as an ISO instant; empty stays empty, nonsense is passed on for the API to refuse. */
export function localToIso(value: string): string {
  if (!value) return '';
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : time.toISOString();
}

export function auditQuery(filters: AuditFilters, cursor?: string): Record<string, string | number> {
  const query: Record<string, string | number> = { limit: 50 };
  for (const [key, value] of Object.entries(filters) as [keyof AuditFilters, string][]) {
    const v = value.trim();
    if (!v) continue;
    query[key] = key === 'from' || key === 'to' ? localToIso(v) : v;
  }
  if (cursor) query.cursor = cursor;
  return query;
}

export interface VerifyProblem {
  kind: string;
  seq: number | null;
  eventId: string | null;
  message: string;
}

export interface VerifyResult {
  intact: boolean;
  events: number;
  checkpoints: number;
  lastSeq: number | null;
  problem?: VerifyProblem;
}

/** The i18n key and values that say a verification result plainly. */
export function describeVerify(result: VerifyResult): { key: string; values: Record<string, string | number> } {
  if (result.intact) return { key: 'audit:verify.intact', values: { events: result.events, checkpoints: result.checkpoints, last: result.lastSeq ?? 0 } };
  const problem = result.problem;
  const kind = problem && ['altered', 'inserted', 'removed', 'truncated', 'bad_checkpoint'].includes(problem.kind) ? problem.kind : 'unknown';
  return { key: `audit:verify.problems.${kind}`, values: { seq: problem?.seq ?? '?', id: problem?.eventId ?? '', checked: result.events } };
}
