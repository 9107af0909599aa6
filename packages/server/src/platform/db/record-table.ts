import type { CreateTableBuilder, Kysely } from 'kysely';
import type { DialectKind } from './database.js';

/**
 * Building blocks for the migration of a store object's table, so that every table has the same
 * spine: `id` (UUIDv7 text), `owner_id` / `team_id` for owned objects (with their scope indexes),
 * `subject_id` for rows holding personal values, `created_at` / `updated_at`. Columns are written out in
 * each migration (a migration is a snapshot, never read from the live catalogue); the schema test
 * (test/medium/catalogue-schema.test.ts) checks that the tables and the catalogue agree.
 */
export interface RecordShape {
  /** Rows have an owner and a team (record scope). */
  owned: boolean;
  /** Rows hold personal values: `own` — each row is a person; `via` — about the person another field names. */
  subject?: 'own' | 'via';
}

/** Column types: money and counts are bigint; booleans are 0 / 1 integers on both databases. */
export const columnTypes = { text: 'text', integer: 'bigint', boolean: 'integer', date: 'text', datetime: 'text', id: 'text' } as const;
export const blobType = (dialect: DialectKind) => (dialect === 'postgres' ? 'bytea' : 'blob');

export function recordTable(db: Kysely<unknown>, name: string, shape: RecordShape): CreateTableBuilder<string, 'id'> {
  let table = db.schema.createTable(name).addColumn('id', 'text', (c) => c.primaryKey());
  if (shape.owned)
    table = table.addColumn('owner_id', 'text', (c) => c.notNull().references('users.id')).addColumn('team_id', 'text', (c) => c.references('teams.id'));
  if (shape.subject === 'own') table = table.addColumn('subject_id', 'text', (c) => c.notNull().references('data_subjects.id'));
  if (shape.subject === 'via') table = table.addColumn('subject_id', 'text', (c) => c.references('data_subjects.id'));
  return table.addColumn('created_at', 'text', (c) => c.notNull()).addColumn('updated_at', 'text', (c) => c.notNull()) as CreateTableBuilder<string, 'id'>;
}

/** The indexes every such table needs (scope, subject), plus one per column named in `columns`. */
export async function recordIndexes(db: Kysely<unknown>, name: string, shape: RecordShape, columns: readonly string[] = []): Promise<void> {
  if (shape.owned) {
    await db.schema.createIndex(`${name}_team`).on(name).columns(['team_id', 'id']).execute();
    await db.schema.createIndex(`${name}_owner`).on(name).columns(['owner_id', 'id']).execute();
  }
  if (shape.subject) await db.schema.createIndex(`${name}_subject_id`).on(name).column('subject_id').execute();
  for (const column of columns) await db.schema.createIndex(`${name}_${column}`).on(name).column(column).execute();
}
