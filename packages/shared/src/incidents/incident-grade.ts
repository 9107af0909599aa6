/**
 * The grades of China's national cybersecurity incident reporting measures (《国家网络安全事件报告管理办法》,
 * CAC, in force 2025-11-01): 一般 (general), 较大 (relatively major), 重大 (major), 特别重大 (especially
 * major). The grade is the officer's input, with one rule the measures fix by number: a leak of the
 * personal information of 100 million people or more is 特别重大 whatever the input.
 */
export const incidentGrades = ['general', 'relatively_major', 'major', 'especially_major'] as const;
export type IncidentGrade = (typeof incidentGrades)[number];

/** A leak of the personal information of at least this many people is 特别重大. */
export const especiallyMajorPeople = 100_000_000;

const rank = (grade: IncidentGrade): number => incidentGrades.indexOf(grade);

/** The grade that applies: the input, raised to 特别重大 when the personal information of ≥ 100 M people leaked. */
export function effectiveGrade(input: IncidentGrade, peopleAffected: number): IncidentGrade {
  if (peopleAffected >= especiallyMajorPeople) return 'especially_major';
  return input;
}

/** 较大 and above must be reported to the CAC under the measures. */
export const isReportableToCac = (grade: IncidentGrade): boolean => rank(grade) >= rank('relatively_major');
