import { describe, expect, it } from 'vitest';
import {
  type ClockKind,
  effectiveGrade,
  escalationReached,
  type IncidentGrade,
  incidentClocks,
  isReportableToCac,
  type OperatorKind,
  urgencyOf,
} from '../../src/incidents/index.js';

const discoveredAt = '2026-03-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(discoveredAt) + minutes * 60_000);
const h = 60;

describe('incident grade', () => {
  it.each<[IncidentGrade, number, IncidentGrade, boolean]>([
    ['general', 0, 'general', false],
    ['general', 99_999_999, 'general', false],
    ['general', 100_000_000, 'especially_major', true],
    ['relatively_major', 10, 'relatively_major', true],
    ['major', 10, 'major', true],
    ['major', 250_000_000, 'especially_major', true],
    ['especially_major', 0, 'especially_major', true],
  ])('%s with %i people → %s (CAC: %s)', (input, people, grade, cac) => {
    expect(effectiveGrade(input, people)).toBe(grade);
    expect(isReportableToCac(effectiveGrade(input, people))).toBe(cac);
  });
});

describe('escalation reached', () => {
  it.each<[number, number, number | null]>([
    [0, 72 * h, null],
    [35 * h + 59, 72 * h, null],
    [36 * h, 72 * h, 50],
    [54 * h - 1, 72 * h, 50],
    [54 * h, 72 * h, 75],
    [64 * h + 47, 72 * h, 75],
    [64 * h + 48, 72 * h, 90],
    [100 * h, 72 * h, 90],
    [30, 60, 50],
    [45, 60, 75],
    [54, 60, 90],
    [120, 240, 50],
    [5, 0, null],
  ])('%i min of a %i min window → %s', (elapsed, window, expected) => {
    expect(escalationReached(elapsed * 60_000, window * 60_000)).toBe(expected);
  });
});

type Row = [string, IncidentGrade, number, OperatorKind, Partial<Record<ClockKind, string>>, number, Partial<Record<ClockKind, [string, number | null]>>];

describe('incident clocks', () => {
  const rows: Row[] = [
    // A general incident: GDPR 72 h and PIPL at once; no CAC clock.
    ['general, just found', 'general', 10, 'other', {}, 0, { gdpr_authority: ['open', null], pipl_subjects: ['overdue', null] }],
    ['general, 36 h', 'general', 10, 'other', {}, 36 * h, { gdpr_authority: ['open', 50], pipl_subjects: ['overdue', null] }],
    ['general, 73 h', 'general', 10, 'other', {}, 73 * h, { gdpr_authority: ['overdue', 90], pipl_subjects: ['overdue', null] }],
    // 较大 and above: the CAC clock by operator kind.
    ['较大, CII, 30 min', 'relatively_major', 10, 'cii', {}, 30, { gdpr_authority: ['open', null], cac: ['open', 50], pipl_subjects: ['overdue', null] }],
    ['较大, CII, 61 min', 'relatively_major', 10, 'cii', {}, 61, { cac: ['overdue', 90] }],
    ['重大, state organ, 90 min', 'major', 10, 'state_organ', {}, 90, { cac: ['open', 75] }],
    ['重大, state organ, 121 min', 'major', 10, 'state_organ', {}, 121, { cac: ['overdue', 90] }],
    ['特别重大, other, 3 h 36', 'especially_major', 10, 'other', {}, 3 * h + 36, { cac: ['open', 90] }],
    ['特别重大, other, 4 h', 'especially_major', 10, 'other', {}, 4 * h, { cac: ['open', 90] }],
    ['特别重大, other, 4 h 1', 'especially_major', 10, 'other', {}, 4 * h + 1, { cac: ['overdue', 90] }],
    // 100 M people make a general incident 特别重大: the CAC clock appears.
    ['general with 100 M people', 'general', 100_000_000, 'cii', {}, 10, { cac: ['open', null] }],
    // Reported clocks stop, whatever time it is.
    [
      'reported everywhere',
      'major',
      10,
      'cii',
      { gdpr_authority: at(70 * h).toISOString(), cac: at(50).toISOString(), pipl_subjects: at(5).toISOString() },
      200 * h,
      { gdpr_authority: ['reported', null], cac: ['reported', null], pipl_subjects: ['reported', null] },
    ],
    [
      'PIPL notified, GDPR still open',
      'general',
      10,
      'other',
      { pipl_subjects: at(1).toISOString() },
      2 * h,
      { gdpr_authority: ['open', null], pipl_subjects: ['reported', null] },
    ],
  ];

  it.each(rows)('%s', (_name, grade, people, operatorKind, notified, minutes, expected) => {
    const clocks = incidentClocks({ discoveredAt, grade, peopleAffected: people, operatorKind, notified }, at(minutes));
    for (const [kind, [status, escalation]] of Object.entries(expected)) {
      const clock = clocks.find((c) => c.kind === kind);
      expect(clock, kind).toBeDefined();
      expect(clock?.status, kind).toBe(status);
      expect(clock?.escalation, kind).toBe(escalation);
      if (status === 'reported') expect(clock?.reportedAt).toBe(notified[kind as ClockKind]);
    }
  });

  it('has no CAC clock below 较大, and due times from discovery', () => {
    const clocks = incidentClocks({ discoveredAt, grade: 'general', peopleAffected: 5, operatorKind: 'cii', notified: {} }, at(0));
    expect(clocks.map((c) => c.kind)).toEqual(['gdpr_authority', 'pipl_subjects']);
    expect(clocks[0]?.dueAt).toBe('2026-03-04T08:00:00.000Z');
    expect(clocks[1]?.dueAt).toBe(discoveredAt);
    const cac = incidentClocks({ discoveredAt, grade: 'major', peopleAffected: 5, operatorKind: 'other', notified: {} }, at(0)).find((c) => c.kind === 'cac');
    expect(cac?.dueAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('orders by urgency: overdue, then the next due time', () => {
    const fresh = incidentClocks(
      { discoveredAt, grade: 'general', peopleAffected: 5, operatorKind: 'other', notified: { pipl_subjects: discoveredAt } },
      at(1),
    );
    expect(urgencyOf(fresh)).toEqual({ overdue: false, nextDueAt: '2026-03-04T08:00:00.000Z' });
    const late = incidentClocks({ discoveredAt, grade: 'general', peopleAffected: 5, operatorKind: 'other', notified: {} }, at(1));
    expect(urgencyOf(late).overdue).toBe(true);
  });
});
