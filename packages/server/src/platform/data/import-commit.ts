import { sql } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { AppError } from '../errors.js';
import type { AuditedTransaction } from '../kernel.js';
import type { ImportableObject } from './import-objects.js';
import type { RowProblem } from './import-rows.js';
import type { AcceptedRow } from './import-walk.js';
import type { ProtectedStore } from './protected-store.js';

/** Rows per createMany call inside the import's transaction (createMany's own chunk; below its planner refresh). */
const slice = 500;

/** A write refused by the store (rules, references) or by a unique constraint, as a row problem (no value). */
function refusal(error: unknown): string | undefined {
  if (error instanceof AppError && error.status >= 400 && error.status < 500) return error.message;
  const code = String((error as { code?: unknown }).code ?? '');
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') return 'a record with the same unique value exists';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return 'the row names a record that does not exist';
  return undefined;
}

/**
 * Creates the rows through the protected store (the API's checks, encryption, audit) inside the
 * caller's transaction. A slice the store refuses is rolled back to its savepoint and retried row by
 * row, so a refused row is reported (line, reason) and the others are kept.
 */
export async function createRows(
  unit: ProtectedStore,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  object: ImportableObject,
  rows: readonly AcceptedRow[],
): Promise<{ created: number; refused: RowProblem[] }> {
  const refused: RowProblem[] = [];
  let created = 0;
  for (let i = 0; i < rows.length; i += slice) {
    const part = rows.slice(i, i + slice);
    await sql`SAVEPOINT import_slice`.execute(tx.trx);
    try {
      created += (
        await unit.createMany(
          actor,
          context,
          object,
          part.map((r) => r.values),
        )
      ).length;
      await sql`RELEASE SAVEPOINT import_slice`.execute(tx.trx);
      continue;
    } catch (error) {
      if (refusal(error) === undefined) throw error;
      await sql`ROLLBACK TO SAVEPOINT import_slice`.execute(tx.trx);
      await sql`RELEASE SAVEPOINT import_slice`.execute(tx.trx);
    }
    for (const row of part) {
      await sql`SAVEPOINT import_row`.execute(tx.trx);
      try {
        created += (await unit.createMany(actor, context, object, [row.values])).length;
      } catch (error) {
        const reason = refusal(error);
        if (reason === undefined) throw error;
        await sql`ROLLBACK TO SAVEPOINT import_row`.execute(tx.trx);
        refused.push({ line: row.line, kind: 'refused', column: null, reason });
      }
      await sql`RELEASE SAVEPOINT import_row`.execute(tx.trx);
    }
  }
  return { created, refused };
}
