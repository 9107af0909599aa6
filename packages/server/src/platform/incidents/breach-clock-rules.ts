import { applicableWindows, type ClockKind, type IncidentGrade, type OperatorKind } from '@castellan/shared';
import type { BreachesTable } from '../db/schema.js';

/** The clocks that apply to a stored incident (the CAC clock only for 较大 and above). */
export function applicableClockKinds(row: Pick<BreachesTable, 'grade_input' | 'people_affected'>, operatorKind: OperatorKind): ClockKind[] {
  return Object.keys(applicableWindows({ grade: row.grade_input as IncidentGrade, peopleAffected: Number(row.people_affected), operatorKind })) as ClockKind[];
}
