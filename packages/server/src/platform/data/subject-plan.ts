import { type CatalogueObject, type ObjectSpec, objectSpecs } from '@castellan/shared';
import { type SubjectSealedColumn, type SubjectVia, subjectSealedTables, subjectViaOf } from '../crypto/sealed-columns.js';
import { bidxColumn, type PlannedField, tablePlan } from './table-plan.js';

/**
 * Where a data subject's data lives, derived — never listed by hand — from the sealed-column registry
 * (every table with a column sealed under a subject key, and how its rows name their subject) and the
 * field catalogue (blind indexes, name tokens, and the plain tables that name a subject's rows through
 * a reference field, such as subscriptions through their billing account). Access export, erasure and
 * the EXPLAIN test all walk this one plan.
 */
export interface SubjectTable {
  readonly table: string;
  /** Rows name the subject in `subject_id` (undefined), or through `via.column` → `via.table`.id. */
  readonly via?: SubjectVia;
  /** Sealed columns of the table (registry entries). */
  readonly sealed: readonly SubjectSealedColumn[];
  /** Exact-match blind index columns (`<column>_bidx`) to clear on erasure. */
  readonly blindIndexes: readonly string[];
  /** The table's rows have name-token rows (`name_tokens.table_name`). */
  readonly nameTokens: boolean;
  /** The catalogue object of the table, when it is one. */
  readonly object?: CatalogueObject;
}

/** A plain table whose rows belong to the subject because a reference field names one of the subject's rows. */
export interface SubjectDependant {
  readonly table: CatalogueObject;
  readonly column: string;
  readonly parent: string;
}

/**
 * Credentials sealed under a staff member's key: shredded with the key, but never put into an access
 * package (a TOTP secret handed out would let its bearer sign in). Their presence is reported.
 */
export const withheldColumns: ReadonlySet<string> = new Set(['users.totp_secret_enc', 'users.totp_pending_enc']);

const isCatalogue = (table: string): table is CatalogueObject => table in objectSpecs;

let cached: { tables: SubjectTable[]; dependants: SubjectDependant[] } | undefined;

export function subjectPlan(): { tables: readonly SubjectTable[]; dependants: readonly SubjectDependant[] } {
  if (cached) return cached;
  const tables: SubjectTable[] = [];
  for (const [table, sealed] of subjectSealedTables()) {
    const object = isCatalogue(table) ? table : undefined;
    const fields: readonly PlannedField[] = object ? tablePlan(object).encrypted : [];
    tables.push({
      table,
      via: subjectViaOf(table),
      sealed,
      blindIndexes: fields.filter((f) => f.spec.blindIndex && f.spec.blindIndex !== 'name').map(bidxColumn),
      nameTokens: fields.some((f) => f.spec.blindIndex === 'name'),
      object,
    });
  }
  const personal = new Set(tables.map((t) => t.table));
  const dependants: SubjectDependant[] = [];
  for (const object of Object.keys(objectSpecs) as CatalogueObject[]) {
    if (personal.has(object) || (objectSpecs[object] as ObjectSpec).ownership === 'directory') continue;
    for (const field of tablePlan(object).references) {
      const parent = field.spec.references;
      // Staff named on a record (an assignee) are the actors of the record, not its subject.
      if (parent && parent !== 'users' && personal.has(parent)) dependants.push({ table: object, column: field.column, parent });
    }
  }
  cached = { tables, dependants };
  return cached;
}
