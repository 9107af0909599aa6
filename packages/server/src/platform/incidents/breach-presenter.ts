import type { BreachView } from '@castellan/shared';
import { type ClockKind, effectiveGrade, type IncidentGrade, incidentClocks, isReportableToCac, type OperatorKind, urgencyOf } from '@castellan/shared';
import type { Keyring } from '../crypto/keyring.js';
import type { BreachesTable } from '../db/schema.js';
import { breachCategories } from './breach-categories.js';
import { openBreachText } from './breach-sealing.js';

export type BreachRow = BreachesTable;
export interface EscalationRow {
  clock: string;
  percent: number;
  at: string;
}

/** The notification time of each clock, from its row. */
export const notifiedOf = (row: BreachRow): Partial<Record<ClockKind, string>> => {
  const out: Partial<Record<ClockKind, string>> = {};
  if (row.gdpr_notified_at) out.gdpr_authority = row.gdpr_notified_at;
  if (row.cac_notified_at) out.cac = row.cac_notified_at;
  if (row.subjects_notified_at) out.pipl_subjects = row.subjects_notified_at;
  return out;
};

/** The column that records each clock's notification. */
export const notifiedColumn: Readonly<Record<ClockKind, 'gdpr_notified_at' | 'cac_notified_at' | 'subjects_notified_at'>> = {
  gdpr_authority: 'gdpr_notified_at',
  cac: 'cac_notified_at',
  pipl_subjects: 'subjects_notified_at',
};

export function clocksOf(row: BreachRow, operatorKind: OperatorKind, now: Date) {
  return incidentClocks(
    {
      discoveredAt: row.discovered_at,
      grade: row.grade_input as IncidentGrade,
      peopleAffected: Number(row.people_affected),
      operatorKind,
      notified: notifiedOf(row),
    },
    now,
  );
}

/** Row → DTO; the sealed text is opened only when `personal` (the caller holds breaches.personal). */
export function presentBreach(
  row: BreachRow,
  escalations: readonly EscalationRow[],
  options: { keyring: Keyring; operatorKind: OperatorKind; personal: boolean; now?: Date },
): BreachView {
  const now = options.now ?? new Date();
  const clocks = clocksOf(row, options.operatorKind, now);
  const grade = effectiveGrade(row.grade_input as IncidentGrade, Number(row.people_affected));
  const sensitive = new Map(breachCategories().map((c) => [c.category as string, c.sensitive]));
  return {
    id: row.id,
    discoveredAt: row.discovered_at,
    occurredAt: row.occurred_at,
    gradeInput: row.grade_input as IncidentGrade,
    grade,
    reportableToCac: isReportableToCac(grade),
    peopleAffected: Number(row.people_affected),
    categories: (JSON.parse(row.categories) as string[]).map((category) => ({ category, sensitive: sensitive.get(category) ?? false })),
    status: row.status as BreachView['status'],
    operatorKind: options.operatorKind,
    clocks,
    ...urgencyOf(clocks),
    escalations: escalations.map((e) => ({ clock: e.clock, percent: Number(e.percent), at: e.at })),
    affected: {
      count: row.affected_count === null ? null : Number(row.affected_count),
      foundAt: row.affected_found_at,
      compromisedUserId: row.compromised_user_id,
      from: row.window_from,
      to: row.window_to,
    },
    personal: options.personal
      ? {
          description: openBreachText(options.keyring, row.id, 'description', row.description_enc),
          notes: openBreachText(options.keyring, row.id, 'notes', row.notes_enc),
        }
      : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
