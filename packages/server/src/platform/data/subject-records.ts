import { type CatalogueObject, objectSpecs, type StoreObject } from '@castellan/shared';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { openValue } from '../crypto/envelope.js';
import { notFound } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { toPresented } from './store-values.js';
import { type SubjectTable, subjectPlan, withheldColumns } from './subject-plan.js';
import { customValuesOfRecords, dependantRowsQuery, nameTokenRowsQuery, subjectRowsQuery } from './subject-rows.js';
import { tablePlan } from './table-plan.js';

type AnyDb = Kysely<any>;
type Row = Record<string, unknown> & { id: string };

/** A data subject's records, decrypted: what an access package holds. */
export interface SubjectRecords {
  subjectId: string;
  erased: boolean;
  /** table → its rows, as field name → value (catalogue objects) or column → value (other tables). */
  tables: Record<string, Record<string, unknown>[]>;
  /** How many search keys name the person: blind-index values and name-token rows (not exported: keyed digests). */
  searchKeys: { blindIndexes: number; nameTokens: number };
  /** "Who has seen my data": the reads, searches, reveals and exports naming the subject. */
  accesses: AccessEvent[];
}

export interface AccessEvent {
  at: string;
  action: string;
  actorKind: string;
  actorId: string | null;
  resource: string | null;
  resourceId: string | null;
  fields: string[];
  reason: string | null;
}

const ACCESS_ACTIONS = ['personal_data.read', 'personal_data.search', 'personal_data.reveal', 'personal_data.export', 'audit.read'];

function plainColumnsOf(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (Buffer.isBuffer(value) || value instanceof Uint8Array || column.endsWith('_enc') || column.endsWith('_bidx')) continue;
    out[column] = value;
  }
  return out;
}

function presentRow(table: SubjectTable, row: Row, opened: Record<string, string | null>): Record<string, unknown> {
  if (!table.object) return { ...plainColumnsOf(row), ...opened };
  const out: Record<string, unknown> = {};
  for (const field of tablePlan(table.object).fields) {
    if (field.encrypted) out[field.name] = opened[field.name] ?? null;
    else if (field.column in row) out[field.name] = toPresented(field, row[field.column]);
  }
  for (const [name, value] of Object.entries(opened)) if (!(name in out)) out[name] = value;
  return out;
}

/**
 * Reads every record of one data subject, across every table of the subject plan, decrypted under
 * the subject's key, for an access or portability request. Only a system actor naming its reason
 * reaches here (the officer's request is authorised by the caller); the export is audited in the
 * caller's transaction as `personal_data.export` naming the subject, the tables and the request.
 */
export async function readSubjectRecords(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  subjectId: string,
  detail: Record<string, unknown>,
): Promise<SubjectRecords> {
  if (actor.kind !== 'system') throw new Error('a subject is read whole only by a system actor naming its reason');
  const db = tx.trx as unknown as AnyDb;
  const subject = await db.selectFrom('data_subjects').select(['key_version', 'wrapped_key']).where('id', '=', subjectId).executeTakeFirst();
  if (!subject) throw notFound('data subject');
  const key = subject.wrapped_key ? kernel.keyring.subjectKey(subjectId, Number(subject.key_version), Buffer.from(subject.wrapped_key)) : undefined;
  const plan = subjectPlan();
  const tables: SubjectRecords['tables'] = {};
  const idsOf = new Map<string, string[]>();
  const searchKeys = { blindIndexes: 0, nameTokens: 0 };
  const fields: string[] = [];
  for (const table of plan.tables) {
    let rows = (await subjectRowsQuery(db, table, subjectId).execute()) as Row[];
    if (table.table === 'custom_values') rows = [...rows, ...(await recordBoundCustomValues(db, idsOf, rows))];
    idsOf.set(
      table.table,
      rows.map((r) => r.id),
    );
    if (rows.length === 0) continue;
    tables[table.table] = rows.map((row) => {
      const opened: Record<string, string | null> = {};
      for (const column of table.sealed) {
        const name = column.field ?? column.aadColumn;
        const envelope = row[column.column] as Buffer | null | undefined;
        if (!envelope) opened[name] = null;
        else if (withheldColumns.has(`${column.table}.${column.column}`)) opened[name] = '[withheld: sign-in credential]';
        else
          opened[name] = key
            ? openValue(key, Buffer.from(envelope), { table: column.table, column: column.aadColumn, rowId: row.id }, kernel.suite)
            : '[erased]';
      }
      for (const column of table.blindIndexes) if (row[column]) searchKeys.blindIndexes += 1;
      return presentRow(table, row, opened);
    });
    fields.push(...table.sealed.filter((c) => !withheldColumns.has(`${c.table}.${c.column}`)).map((c) => `${c.table}.${c.field ?? c.aadColumn}`));
    if (table.nameTokens) searchKeys.nameTokens += (await nameTokenRowsQuery(db, table.table, idsOf.get(table.table) ?? []).execute()).length;
  }
  for (const dependant of plan.dependants) {
    const parents = idsOf.get(dependant.parent) ?? [];
    if (parents.length === 0) continue;
    const rows = (await dependantRowsQuery(db, dependant, parents).execute()) as Row[];
    if (rows.length === 0) continue;
    const catalogue = tablePlan(dependant.table as CatalogueObject);
    const seen = new Set((tables[dependant.table] ?? []).map((r) => r.id));
    tables[dependant.table] = [
      ...(tables[dependant.table] ?? []),
      ...rows
        .filter((r) => !seen.has(r.id))
        .map((row) => Object.fromEntries(catalogue.fields.filter((f) => f.column in row).map((f) => [f.name, toPresented(f, row[f.column])]))),
    ];
  }
  const accesses = await accessesOf(db, subjectId);
  await tx.audit(actor, context, {
    action: 'personal_data.export',
    outcome: 'success',
    resource: 'data_subjects',
    resourceId: subjectId,
    subjectIds: [subjectId],
    fields: [...new Set(fields)],
    detail: { ...detail, tables: Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, rows.length])) },
  });
  return { subjectId, erased: !key, tables, searchKeys, accesses };
}

/** The plain custom values of the subject's records (no subject_id of their own), not already found. */
async function recordBoundCustomValues(db: AnyDb, idsOf: Map<string, string[]>, found: Row[]): Promise<Row[]> {
  const seen = new Set(found.map((r) => r.id));
  const out: Row[] = [];
  for (const [object, ids] of idsOf) {
    if (!(object in objectSpecs) || ids.length === 0) continue;
    for (const row of (await customValuesOfRecords(db, object, ids).execute()) as Row[]) if (!seen.has(row.id)) out.push(row);
  }
  return out;
}

/** The access events naming a subject, oldest first (through the audit_subjects index). */
export async function accessesOf(db: AnyDb, subjectId: string): Promise<AccessEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['at', 'action', 'actor_kind', 'actor_id', 'resource', 'resource_id', 'fields', 'detail'])
    .where('seq', 'in', db.selectFrom('audit_subjects').select('seq').where('subject_id', '=', subjectId))
    .where('action', 'in', ACCESS_ACTIONS)
    .orderBy('seq')
    .execute();
  return rows.map((r) => {
    const detail = r.detail ? (JSON.parse(String(r.detail)) as Record<string, unknown>) : {};
    return {
      at: String(r.at),
      action: String(r.action),
      actorKind: String(r.actor_kind),
      actorId: (r.actor_id as string | null) ?? null,
      resource: (r.resource as string | null) ?? null,
      resourceId: (r.resource_id as string | null) ?? null,
      fields: r.fields ? (JSON.parse(String(r.fields)) as string[]) : [],
      reason: typeof detail.reason === 'string' ? detail.reason : typeof detail.systemReason === 'string' ? detail.systemReason : null,
    };
  });
}

/** The data subject of a store record (a contact, a staff member), or 404. */
export async function subjectOfRecord(tx: AuditedTransaction, object: StoreObject | 'users', id: string): Promise<string> {
  const row = await (tx.trx as unknown as AnyDb).selectFrom(object).select('subject_id').where('id', '=', id).executeTakeFirst();
  if (!row?.subject_id) throw notFound(object === 'users' ? 'user' : tablePlan(object).spec.label);
  return String(row.subject_id);
}
