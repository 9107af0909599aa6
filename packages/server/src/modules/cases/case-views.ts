import type { PresentedRecord } from '../../platform/data/protected-store.js';
import { caseClockOf } from './case.rules.js';
import { slaState } from './case-sla.policy.js';

/** A case as the API shows it: its fields and its SLA state computed now (the stored flags date from the last write). */
export function withSla(record: PresentedRecord, now = new Date()): PresentedRecord {
  const { escalationLevel: due, ...sla } = slaState(caseClockOf(record as never), now);
  return { ...record, sla: { ...sla, escalationDue: due } };
}
