import type { Kysely } from 'kysely';
import { AppError, unprocessable } from '../errors.js';
import type { PlannedField, TablePlan } from './table-plan.js';

/** A value of a record as the API gives and takes it. Personal (encrypted) values are always text. */
export type Value = string | number | boolean | null;
export type RecordValues = Record<string, Value | undefined>;
/** A create or patch body: built-in values, and custom field values by key under `custom`. */
export type RecordBody = Record<string, Value | undefined | Readonly<Record<string, Value>>>;
export type PresentedRecord = Record<string, unknown>;
/** The plain (non-personal) fields of a stored row, by field name, as business rules see them. */
export type PlainRecord = Record<string, Value>;

/** Fields set by the system (ids, timestamps) or by the ownership rules are never copied as plain input. */
const ownershipFields = new Set(['ownerId', 'teamId']);

/** A plain value as stored: booleans as 0 / 1 (the same on SQLite and PostgreSQL). */
export function toStored(field: PlannedField, value: Value | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (field.spec.type === 'boolean') return value === true || value === 1 || value === '1' || value === 'true' ? 1 : 0;
  return value;
}

/** A stored plain value as presented: booleans as true / false, integers as numbers. */
export function toPresented(field: PlannedField, stored: unknown): Value {
  if (stored === null || stored === undefined) return null;
  if (field.spec.type === 'boolean') return stored === 1 || stored === true || stored === '1';
  if (field.spec.type === 'integer') return typeof stored === 'number' ? stored : Number(stored);
  return stored as Value;
}

/** The non-personal columns an input sets, by catalogue column name. */
export function plainColumns(plan: TablePlan, input: RecordValues): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const field of plan.plain) {
    if (!(field.name in input) || field.spec.system || ownershipFields.has(field.name)) continue;
    columns[field.column] = toStored(field, input[field.name]);
  }
  return columns;
}

/**
 * The plain columns of values a rule derived (`ObjectRules.derive`): system fields included (a
 * signature date, a price from the rate card), ownership and encrypted fields never.
 */
export function derivedColumns(plan: TablePlan, derived: Record<string, Value>): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const field of plan.plain) {
    if (!(field.name in derived) || ownershipFields.has(field.name) || field.name === 'id') continue;
    columns[field.column] = toStored(field, derived[field.name]);
  }
  return columns;
}

/** A new record's plain columns: the input's, and the catalogue's defaults for fields it leaves out. */
export function newPlainColumns(plan: TablePlan, input: RecordValues): Record<string, unknown> {
  const columns = plainColumns(plan, input);
  for (const field of plan.plain) {
    if (field.spec.default !== undefined && (input[field.name] === undefined || input[field.name] === null))
      columns[field.column] = toStored(field, field.spec.default);
  }
  return columns;
}

/**
 * The columns of a new row before ownership and sealing: its id and timestamps, the plain columns of
 * the input and the derived values (with the catalogue's defaults), then the derived system columns.
 */
export function newRowColumns(plan: TablePlan, id: string, now: string, input: RecordValues, derived: Record<string, Value>): Record<string, unknown> {
  return { id, created_at: now, updated_at: now, ...newPlainColumns(plan, { ...input, ...derived }), ...derivedColumns(plan, derived) };
}

/** The plain fields of a stored row, by field name (what rules and aggregates see). */
export function plainRecord(plan: TablePlan, row: Record<string, unknown>): PlainRecord {
  const out: PlainRecord = {};
  for (const field of plan.plain) out[field.name] = toPresented(field, row[field.column]);
  return out;
}

/** The plain column of a field named in a filter, range or grouping; anything else is refused (422). */
export function plainColumn(plan: TablePlan, name: string, use: string): string {
  const field = plan.plain.find((f) => f.name === name);
  if (!field) throw unprocessable(`cannot ${use} ${plan.object} by ${name}`);
  return field.column;
}

export function plainField(plan: TablePlan, name: string, use: string): PlannedField {
  const field = plan.plain.find((f) => f.name === name);
  if (!field) throw unprocessable(`cannot ${use} ${plan.object} by ${name}`);
  return field;
}

/** Multi-row insert; rows get the same column set (missing ones become null) so one statement fits all. */
export async function insertUniform(db: Kysely<any>, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const uniform = rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
  for (let i = 0; i < uniform.length; i += 500)
    await db
      .insertInto(table)
      .values(uniform.slice(i, i + 500))
      .execute();
}

export const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');
export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError('bad_request', 400, 'invalid cursor');
  return id;
}
