import { noRequest } from '../../platform/audit/audit-event.js';
import { subjectsStillKeyed } from '../../platform/backup/backup-records.js';
import { asSystem } from '../../platform/data/as-system.js';
import type { Kernel } from '../../platform/kernel.js';
import { eraseSubject } from '../subject-data/erase-subject.js';

/**
 * Erases again, in a restored database, every person the erasure ledger names whose key the backup
 * still held (they were erased after it was taken): the same steps as the first erasure (search
 * keys, custom and sealed values, packages, then the key itself), audited in the restored trail.
 * Answers how many were erased again.
 */
export async function replayErasures(kernel: Kernel, subjectIds: string[]): Promise<number> {
  const alive = await subjectsStillKeyed(kernel, subjectIds);
  const system = asSystem('replay the erasure ledger after a restore');
  for (const id of alive) await eraseSubject(kernel, system, noRequest, id);
  return alive.length;
}
