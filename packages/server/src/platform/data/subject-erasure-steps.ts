import { type Kysely, sql } from 'kysely';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { nowIso } from './ids.js';
import { type SubjectTable, subjectPlan } from './subject-plan.js';
import { customValuesOfRecords, subjectRowsQuery } from './subject-rows.js';

type AnyDb = Kysely<any>;

/**
 * The steps of an erasure, in order. Each is idempotent and runs in its own transaction with the
 * record that it is done, so an erasure stopped between two steps is finished by running it again.
 * A staff member's account is disabled first (sessions end, tokens and enrolment links are revoked):
 * an account whose key is about to be destroyed must not go on acting. Search keys go next: from then
 * on no blind index or name token finds the person, even if the rest waits for a restart.
 */
export const erasureSteps = ['staff_account', 'search_keys', 'custom_values', 'sealed_values', 'access_packages', 'subject_key'] as const;
export type ErasureStep = (typeof erasureSteps)[number];

/** Records kept by a legal hold, as `table:rowId`. */
export async function heldRecords(db: AnyDb, subjectId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('subject_legal_holds')
    .select(['table_name', 'row_id'])
    .where('subject_id', '=', subjectId)
    .where('released_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => `${r.table_name}:${r.row_id}`));
}

const nullability = new Map<string, Map<string, boolean>>();

/** Which columns of a table accept NULL (read from the live schema once per table and process). */
export async function nullableColumns(kernel: Kernel, db: AnyDb, table: string): Promise<Map<string, boolean>> {
  const known = nullability.get(table);
  if (known) return known;
  const columns = new Map<string, boolean>();
  if (kernel.db.dialect === 'sqlite') {
    const rows = await sql<{ name: string; notnull: number }>`SELECT name, "notnull" FROM pragma_table_info(${table})`.execute(db);
    for (const r of rows.rows) columns.set(r.name, Number(r.notnull) === 0);
  } else {
    const rows = await sql<{ column_name: string; is_nullable: string }>`
      SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table}`.execute(db);
    for (const r of rows.rows) columns.set(r.column_name, r.is_nullable === 'YES');
  }
  nullability.set(table, columns);
  return columns;
}

/**
 * What clears a column: NULL, or — where the schema demands a value (a staff member's sign-in e-mail
 * index is NOT NULL UNIQUE) — a per-row marker that no digest can equal (digests are hex). A NOT NULL
 * sealed column keeps its ciphertext, which the destroyed key leaves unreadable.
 */
async function clearing(kernel: Kernel, db: AnyDb, table: string, columns: readonly string[], kind: 'index' | 'sealed') {
  const nullable = await nullableColumns(kernel, db, table);
  const toNull = columns.filter((c) => nullable.get(c) !== false);
  const marked = kind === 'index' ? columns.filter((c) => nullable.get(c) === false) : [];
  return { toNull, marked };
}

async function rowIdsOf(db: AnyDb, table: SubjectTable, subjectId: string): Promise<string[]> {
  const rows = await subjectRowsQuery(db, table, subjectId).clearSelect().select(`${table.table}.id as id`).execute();
  return rows.map((r: { id: string }) => String(r.id));
}

/** Runs one step for a subject; answers counts only (never a value). */
export async function runErasureStep(
  kernel: Kernel,
  tx: AuditedTransaction,
  subjectId: string,
  step: ErasureStep,
  disableStaffAccount: (tx: AuditedTransaction, userId: string) => Promise<void>,
): Promise<Record<string, number>> {
  const db = tx.trx as unknown as AnyDb;
  // Lock the subject's key row first, as every writer and the rotation do.
  let lock = db.selectFrom('data_subjects').select('id').where('id', '=', subjectId);
  if (kernel.db.dialect === 'postgres') lock = lock.forUpdate();
  await lock.executeTakeFirst();
  const held = await heldRecords(db, subjectId);
  const counts: Record<string, number> = {};
  const plan = subjectPlan();
  if (step === 'staff_account') {
    const accounts = await db.selectFrom('users').select(['id', 'status']).where('subject_id', '=', subjectId).execute();
    const active = accounts.filter((a) => a.status !== 'disabled');
    for (const account of active) await disableStaffAccount(tx, String(account.id));
    counts.accountsDisabled = active.length;
  } else if (step === 'search_keys') {
    // Held records too: a hold keeps a record for a legal claim, it does not keep the person findable.
    for (const table of plan.tables) {
      if (!table.blindIndexes.length && !table.nameTokens) continue;
      const ids = await rowIdsOf(db, table, subjectId);
      if (!ids.length) continue;
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const { toNull, marked } = await clearing(kernel, db, table.table, table.blindIndexes, 'index');
        if (toNull.length)
          await db
            .updateTable(table.table)
            .set(Object.fromEntries(toNull.map((c) => [c, null])))
            .where('id', 'in', chunk)
            .execute();
        for (const column of marked)
          await db
            .updateTable(table.table)
            .set({ [column]: sql`${'erased:'} || id` })
            .where('id', 'in', chunk)
            .execute();
        if (table.nameTokens) {
          const removed = await db.deleteFrom('name_tokens').where('table_name', '=', table.table).where('row_id', 'in', chunk).executeTakeFirst();
          counts.nameTokens = (counts.nameTokens ?? 0) + Number(removed.numDeletedRows);
        }
      }
      counts[table.table] = ids.length;
    }
  } else if (step === 'custom_values') {
    const rows = await db.selectFrom('custom_values').select(['id', 'object', 'record_id']).where('subject_id', '=', subjectId).execute();
    // Plain values carry no subject: found through the person's records.
    for (const table of plan.tables) {
      if (!table.object) continue;
      const ids = await rowIdsOf(db, table, subjectId);
      for (let i = 0; i < ids.length; i += 500)
        rows.push(
          ...(await customValuesOfRecords(db, table.table, ids.slice(i, i + 500))
            .clearSelect()
            .select(['id', 'object', 'record_id'])
            .execute()),
        );
    }
    const gone = [...new Set(rows.filter((r) => !held.has(`${r.object}:${r.record_id}`)).map((r) => String(r.id)))];
    for (let i = 0; i < gone.length; i += 500)
      await db
        .deleteFrom('custom_values')
        .where('id', 'in', gone.slice(i, i + 500))
        .execute();
    counts.customValues = gone.length;
  } else if (step === 'sealed_values') {
    // Without a hold the key's destruction alone makes these unreadable; clearing them as well means a
    // hold on one record leaves every other record of the person empty while the key is kept for it.
    for (const table of plan.tables) {
      if (table.table === 'custom_values') continue;
      const ids = (await rowIdsOf(db, table, subjectId)).filter((id) => !held.has(`${table.table}:${id}`));
      const { toNull: columns } = await clearing(
        kernel,
        db,
        table.table,
        table.sealed.map((c) => c.column),
        'sealed',
      );
      if (!columns.length) continue;
      for (let i = 0; i < ids.length; i += 500)
        await db
          .updateTable(table.table)
          .set(Object.fromEntries(columns.map((c) => [c, null])))
          .where('id', 'in', ids.slice(i, i + 500))
          .execute();
      if (ids.length) counts[table.table] = ids.length;
    }
  } else if (step === 'access_packages') {
    const removed = await db.deleteFrom('access_packages').where('subject_id', '=', subjectId).executeTakeFirst();
    counts.accessPackages = Number(removed.numDeletedRows);
  } else if (step === 'subject_key') {
    if (held.size === 0) {
      await db
        .updateTable('data_subjects')
        .set({ wrapped_key: null, erased_at: nowIso() })
        .where('id', '=', subjectId)
        .where('wrapped_key', 'is not', null)
        .execute();
      kernel.keyring.forgetSubject(subjectId);
      counts.keyDestroyed = 1;
    } else counts.keyKeptForHolds = held.size;
  }
  return counts;
}

/** SQLite: moves the WAL into the main file (whose freed pages secure_delete has zeroed), so no erased byte stays in either. */
export async function flushErasedPages(kernel: Kernel): Promise<void> {
  if (kernel.db.dialect === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(kernel.db.kysely);
}
