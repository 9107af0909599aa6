import type { Kysely } from 'kysely';
import { notFound } from '../errors.js';
import { latestErasure } from './subject-erasures.js';
import { legalHoldsOf } from './subject-legal-holds.js';
import { isRestricted } from './subject-restrictions.js';

type AnyDb = Kysely<any>;

/** Where a data subject stands: erased or not, restricted, the latest erasure and the standing legal holds. No personal value. */
export async function subjectStatus(db: AnyDb, subjectId: string) {
  const subject = await db.selectFrom('data_subjects').select(['wrapped_key']).where('id', '=', subjectId).executeTakeFirst();
  if (!subject) throw notFound('data subject');
  const erasure = await latestErasure(db, subjectId);
  return {
    subjectId,
    erased: !subject.wrapped_key,
    restricted: await isRestricted(db, subjectId),
    erasure: erasure ? { id: erasure.id, status: erasure.status, stepsDone: erasure.stepsDone, heldRecords: erasure.held } : null,
    legalHolds: await legalHoldsOf(db, subjectId),
  };
}
