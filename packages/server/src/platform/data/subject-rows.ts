import type { Kysely } from 'kysely';
import type { SubjectDependant, SubjectTable } from './subject-plan.js';

type AnyDb = Kysely<any>;

/**
 * The queries that find a data subject's rows, one per table of the subject plan: by `subject_id`,
 * or by the column leading to a row that has it (passkeys through their user, subscriptions through
 * their billing account). Each is an index lookup; the EXPLAIN test compiles these same queries.
 */
export function subjectRowsQuery(db: AnyDb, table: SubjectTable, subjectId: string) {
  if (!table.via) return db.selectFrom(table.table).selectAll().where('subject_id', '=', subjectId);
  const parents = db.selectFrom(table.via.table).select('id').where('subject_id', '=', subjectId);
  return db.selectFrom(table.table).selectAll().where(table.via.column, 'in', parents);
}

/** Rows of a plain table naming one of the subject's rows of `dependant.parent` (ids already found). */
export function dependantRowsQuery(db: AnyDb, dependant: SubjectDependant, parentIds: readonly string[]) {
  return db
    .selectFrom(dependant.table)
    .selectAll()
    .where(dependant.column, 'in', parentIds.length ? [...parentIds] : ['']);
}

/** The name-token rows of some rows of one table. */
export function nameTokenRowsQuery(db: AnyDb, table: string, rowIds: readonly string[]) {
  return db
    .selectFrom('name_tokens')
    .select(['table_name', 'row_id', 'digest'])
    .where('table_name', '=', table)
    .where('row_id', 'in', rowIds.length ? [...rowIds] : ['']);
}

/**
 * The custom values of some records of one object. A public or internal value is stored in the clear
 * with no subject (only sealed values carry `subject_id`), so a person's custom values are found by
 * their records too (index custom_values_record).
 */
export function customValuesOfRecords(db: AnyDb, object: string, recordIds: readonly string[]) {
  return db
    .selectFrom('custom_values')
    .selectAll()
    .where('object', '=', object)
    .where('record_id', 'in', recordIds.length ? [...recordIds] : ['']);
}
