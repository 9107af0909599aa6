import { type CatalogueObject, contractEndColumn, objectSpecs, purposeColumn, type RetentionTrigger, retentionObjects } from '@castellan/shared';
import { type Kysely, sql } from 'kysely';
import { subjectSealedColumns } from '../crypto/sealed-columns.js';
import type { Kernel } from '../kernel.js';
import { nullableColumns } from './subject-erasure-steps.js';
import { subjectPlan } from './subject-plan.js';
import { bidxColumn, tablePlan } from './table-plan.js';

type AnyDb = Kysely<any>;

/**
 * What a retention rule touches in one object's table, derived from the field catalogue, the
 * sealed-column registry and the subject plan (never listed by hand): the personal columns an
 * anonymisation clears — sealed values, blind indexes, plain fields of a PI category, links to a
 * person and the row's `subject_id` where the schema lets them be empty — and how the row leads to its
 * person (its own `subject_id`, or a parent row for plain dependants such as subscriptions).
 */
export interface RetentionTarget {
  readonly object: CatalogueObject;
  /** Each row is a person of its own (contacts, privacy requests): deleting it destroys the subject key. */
  readonly ownSubject: boolean;
  /** The row carries `subject_id`. */
  readonly hasSubject: boolean;
  /** A plain dependant: its column naming a personal row of `parent` (whose subject_id is the person). */
  readonly via?: { readonly column: string; readonly parent: string };
  readonly nameTokens: boolean;
  /** Columns set to NULL by an anonymisation (nullable in the live schema). */
  readonly clearToNull: readonly string[];
  /** NOT NULL plain personal columns reset to their catalogue default by an anonymisation. */
  readonly resetToDefault: Readonly<Record<string, unknown>>;
  readonly purposeColumn?: string;
  /** Catalogue records naming this object's rows by a foreign key (live schema): a named row is kept on delete. */
  readonly referencedBy: readonly { readonly table: string; readonly column: string }[];
  /** Rows of tables outside the catalogue that belong to the record (a request's event history, its code): deleted with it. */
  readonly parts: readonly { readonly table: string; readonly column: string }[];
}

let foreignKeys: { table: string; column: string; parent: string }[] | undefined;

/** Every foreign key of the live schema (child table and column → parent table), read once per process. */
async function liveForeignKeys(kernel: Kernel, db: AnyDb) {
  if (foreignKeys) return foreignKeys;
  const rows =
    kernel.db.dialect === 'sqlite'
      ? (
          await sql<{ table_name: string; column_name: string; parent: string }>`
            SELECT m.name AS table_name, p."from" AS column_name, p."table" AS parent
            FROM sqlite_master m, pragma_foreign_key_list(m.name) p WHERE m.type = 'table'`.execute(db)
        ).rows
      : (
          await sql<{ table_name: string; column_name: string; parent: string }>`
            SELECT cl.relname AS table_name, a.attname AS column_name, pl.relname AS parent
            FROM pg_constraint c
            JOIN pg_class cl ON cl.oid = c.conrelid
            JOIN pg_class pl ON pl.oid = c.confrelid
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.contype = 'f' AND cl.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`.execute(db)
        ).rows;
  foreignKeys = rows.map((r) => ({ table: String(r.table_name), column: String(r.column_name), parent: String(r.parent) }));
  return foreignKeys;
}

const cache = new Map<string, RetentionTarget>();

export async function retentionTarget(kernel: Kernel, db: AnyDb, object: CatalogueObject): Promise<RetentionTarget> {
  const known = cache.get(object);
  if (known) return known;
  if (!retentionObjects().includes(object)) throw new Error(`${object} holds no personal data`);
  const plan = tablePlan(object);
  const nullable = await nullableColumns(kernel, db, object);
  const sealed = subjectSealedColumns.filter((c) => c.table === object).map((c) => c.column);
  const indexes = plan.encrypted.filter((f) => f.spec.blindIndex && f.spec.blindIndex !== 'name').map(bidxColumn);
  const plainPersonal = plan.plain.filter((f) => f.spec.piCategory !== 'none' && f.spec.piCategory !== 'relationship');
  const links = plan.plain.filter((f) => f.spec.piCategory === 'relationship' && retentionObjects().includes(f.spec.references as CatalogueObject));
  const candidates = [...sealed, ...indexes, ...plainPersonal.map((f) => f.column), ...links.map((f) => f.column), 'subject_id'];
  const clearToNull = [...new Set(candidates)].filter((c) => nullable.get(c) === true);
  const resetToDefault: Record<string, unknown> = {};
  for (const f of plainPersonal)
    if (nullable.get(f.column) === false && f.spec.default !== undefined)
      resetToDefault[f.column] = typeof f.spec.default === 'boolean' ? (f.spec.default ? 1 : 0) : f.spec.default;
  const dependant = subjectPlan().dependants.find((d) => d.table === object);
  const naming = (await liveForeignKeys(kernel, db)).filter((k) => k.parent === object);
  const catalogued = (table: string) => table in objectSpecs;
  const target: RetentionTarget = {
    object,
    ownSubject: plan.ownSubject,
    hasSubject: nullable.has('subject_id'),
    via: !nullable.has('subject_id') && dependant ? { column: dependant.column, parent: dependant.parent } : undefined,
    nameTokens: plan.encrypted.some((f) => f.spec.blindIndex === 'name'),
    clearToNull,
    resetToDefault,
    purposeColumn: purposeColumn(object),
    referencedBy: naming.filter((k) => catalogued(k.table)).map(({ table, column }) => ({ table, column })),
    parts: naming.filter((k) => !catalogued(k.table)).map(({ table, column }) => ({ table, column })),
  };
  cache.set(object, target);
  return target;
}

/** The column a trigger reads: the last change, or the contract end the catalogue names. */
export function triggerColumn(object: CatalogueObject, trigger: RetentionTrigger): string {
  if (trigger === 'inactivity') return 'updated_at';
  const column = contractEndColumn(object);
  if (!column) throw new Error(`${object} has no contract end (${String((objectSpecs[object] as { label: string }).label)})`);
  return column;
}
