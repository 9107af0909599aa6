import type { Kysely } from 'kysely';
import { noRequest } from '../../platform/audit/audit-event.js';
import { asSystem } from '../../platform/data/as-system.js';
import type { Kernel } from '../../platform/kernel.js';
import { eraseSubject } from '../subject-data/erase-subject.js';

type AnyDb = Kysely<any>;

/**
 * Erases again, in a restored database, every person the erasure ledger names whose key the backup
 * still held (they were erased after it was taken): the same steps as the first erasure (search
 * keys, custom and sealed values, packages, then the key itself), audited in the restored trail.
 * Answers how many were erased again.
 */
export async function replayErasures(kernel: Kernel, subjectIds: string[]): Promise<number> {
  const db = kernel.db.kysely as unknown as AnyDb;
  const system = asSystem('replay the erasure ledger after a restore');
  let count = 0;
  for (let i = 0; i < subjectIds.length; i += 500) {
    const batch = subjectIds.slice(i, i + 500);
    const alive = await db
      .selectFrom('data_subjects')
      .select('id')
      .where('id', 'in', batch)
      .where((eb) => eb.or([eb('wrapped_key', 'is not', null), eb('erased_at', 'is', null)]))
      .execute();
    for (const { id } of alive) {
      await eraseSubject(kernel, system, noRequest, String(id));
      count += 1;
    }
  }
  return count;
}
