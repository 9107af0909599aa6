import type { StoreObject } from '@castellan/shared';
import type { Kysely } from 'kysely';
import type { AuditEventInput } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { openValue, sealValue } from '../crypto/envelope.js';
import { subjectSealedColumn } from '../crypto/sealed-columns.js';
import { forbidden, unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { definitionsOf } from './custom-field-definitions.js';
import {
  type CustomFieldDefinition,
  customFieldAccess,
  isProtectedClassification,
  maskedCustomValue,
  presentedCustomValue,
  storedCustomValue,
} from './custom-field-rules.js';
import { nowIso } from './ids.js';
import { subjectKeyOf } from './store-presenter.js';
import type { Row } from './store-query.js';
import type { PresentedRecord, RecordBody, RecordValues, Value } from './store-values.js';
import { lockSubjectKey } from './subject-keys.js';
import type { TablePlan } from './table-plan.js';

/**
 * Custom values of store records (table `custom_values`, one row per record and field). A public or
 * internal value is stored as text; a personal or sensitive one is sealed under the record's data
 * subject key with the same envelope as a built-in field, its AAD binding the object, the record and
 * the field (`custom_values` / `value` / `<field id>:<record id>`), and the row names the subject so
 * that key rotation re-encrypts it and erasure shreds it (sealed-columns.ts). Readers see them as
 * their role's rule for the object's personal fields says (custom-field-rules.ts).
 */
type AnyDb = Kysely<any>;

export const customValuesTable = 'custom_values';
export const customValueAadColumn = subjectSealedColumn(customValuesTable, 'value').aadColumn;
export const customValueRowId = (fieldId: string, recordId: string): string => `${fieldId}:${recordId}`;
const aad = (fieldId: string, recordId: string) => ({ table: customValuesTable, column: customValueAadColumn, rowId: customValueRowId(fieldId, recordId) });

export interface PreparedCustom {
  readonly entries: readonly { definition: CustomFieldDefinition; stored: string | null }[];
  /** Some entry is personal or sensitive (the subject key is locked and used). */
  readonly seals: boolean;
}

const noCustom: PreparedCustom = { entries: [], seals: false };

/** Splits a create or patch body into the built-in values and its `custom` part. */
export function takeCustom(input: RecordBody): { values: RecordValues; custom: Record<string, unknown> | undefined } {
  const { custom, ...values } = input as Record<string, unknown>;
  if (custom === undefined || custom === null) return { values: values as RecordValues, custom: undefined };
  if (typeof custom !== 'object' || Array.isArray(custom)) throw unprocessable('custom must be an object of custom field values by key');
  return { values: values as RecordValues, custom: custom as Record<string, unknown> };
}

/** Checks the given custom values against the object's definitions (422 on an unknown key or a bad value). */
export async function prepareCustom(db: AnyDb, actor: Actor, plan: TablePlan, custom: Record<string, unknown> | undefined): Promise<PreparedCustom> {
  if (!custom || Object.keys(custom).length === 0) return noCustom;
  return preparedWith(await definitionsOf(db, plan.object as StoreObject), actor, plan, custom);
}

/** prepareCustom with the definitions at hand (bulk creation loads them once). */
export function preparedWith(
  definitions: readonly CustomFieldDefinition[],
  actor: Actor,
  plan: TablePlan,
  custom: Record<string, unknown> | undefined,
): PreparedCustom {
  if (!custom || Object.keys(custom).length === 0) return noCustom;
  const entries = Object.entries(custom).map(([key, value]) => {
    const definition = definitions.find((d) => d.key === key);
    if (!definition) throw unprocessable(`unknown custom field ${key} of ${plan.object}`);
    if (customFieldAccess(actor, plan, definition) === 'hidden') throw forbidden(`you may not write custom.${key}`);
    return { definition, stored: storedCustomValue(definition, value) };
  });
  return { entries, seals: entries.some((e) => isProtectedClassification(e.definition.classification)) };
}

/** Writes prepared values of one record; a personal value under its data subject's key (locked first). */
export async function writeCustom(
  kernel: Kernel,
  tx: AuditedTransaction,
  plan: TablePlan,
  recordId: string,
  subjectId: string | null,
  prepared: PreparedCustom,
): Promise<void> {
  if (prepared.entries.length === 0) return;
  const db = tx.trx as unknown as AnyDb;
  const subject = prepared.seals && subjectId ? await lockSubjectKey(kernel, tx.trx, subjectId) : undefined;
  const now = nowIso();
  for (const { definition, stored } of prepared.entries) {
    const id = customValueRowId(definition.id, recordId);
    if (stored === null) {
      await db.deleteFrom(customValuesTable).where('id', '=', id).execute();
      continue;
    }
    const sealed = isProtectedClassification(definition.classification);
    if (sealed && !subject)
      throw unprocessable(
        `custom.${definition.key} can be kept only for a ${plan.subjectVia?.name ?? 'person'} that is set (it is sealed under that person's key)`,
      );
    const values = {
      subject_id: sealed ? subjectId : null,
      value_text: sealed ? null : stored,
      value_enc: sealed && subject ? sealValue(kernel.suite, subject.key, subject.version, stored, aad(definition.id, recordId)) : null,
      updated_at: now,
    };
    await db
      .insertInto(customValuesTable)
      .values({ id, object: plan.object, record_id: recordId, field_id: definition.id, created_at: now, ...values })
      .onConflict((oc: any) => oc.column('id').doUpdateSet(values))
      .execute();
  }
}

/**
 * The custom_values rows of a new record, for a multi-row insert (bulk creation): personal values
 * sealed under the subject key the caller holds (locked or just made).
 */
export function newCustomRows(
  kernel: Kernel,
  plan: TablePlan,
  recordId: string,
  subject: { id: string; key: Buffer; version: number } | undefined,
  prepared: PreparedCustom,
  now: string,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const { definition, stored } of prepared.entries) {
    if (stored === null) continue;
    const sealed = isProtectedClassification(definition.classification);
    if (sealed && !subject)
      throw unprocessable(
        `custom.${definition.key} can be kept only for a ${plan.subjectVia?.name ?? 'person'} that is set (it is sealed under that person's key)`,
      );
    rows.push({
      id: customValueRowId(definition.id, recordId),
      object: plan.object,
      record_id: recordId,
      field_id: definition.id,
      subject_id: sealed ? (subject?.id ?? null) : null,
      value_text: sealed ? null : stored,
      value_enc: sealed && subject ? sealValue(kernel.suite, subject.key, subject.version, stored, aad(definition.id, recordId)) : null,
      created_at: now,
      updated_at: now,
    });
  }
  return rows;
}

/**
 * When a record moves to another person (its `via` field changes), its sealed custom values are
 * re-sealed under the new person's key, or dropped when it names nobody (as built-in values are).
 */
export async function resealCustom(kernel: Kernel, tx: AuditedTransaction, plan: TablePlan, row: Row, newSubjectId: string | null): Promise<void> {
  const db = tx.trx as unknown as AnyDb;
  const sealedRows = (await db
    .selectFrom(customValuesTable)
    .select(['id', 'field_id', 'value_enc'])
    .where('object', '=', plan.object)
    .where('record_id', '=', row.id)
    .where('value_enc', 'is not', null)
    .execute()) as { id: string; field_id: string; value_enc: Buffer }[];
  if (sealedRows.length === 0) return;
  const oldKey = subjectKeyOf(kernel, row, plan);
  const subject = newSubjectId ? await lockSubjectKey(kernel, tx.trx, newSubjectId) : undefined;
  for (const sealed of sealedRows) {
    if (!oldKey || !subject) {
      await db.deleteFrom(customValuesTable).where('id', '=', sealed.id).execute();
      continue;
    }
    const plain = openValue(oldKey, Buffer.from(sealed.value_enc), aad(sealed.field_id, row.id), kernel.suite);
    await db
      .updateTable(customValuesTable)
      .set({
        subject_id: newSubjectId,
        value_enc: sealValue(kernel.suite, subject.key, subject.version, plain, aad(sealed.field_id, row.id)),
        updated_at: nowIso(),
      })
      .where('id', '=', sealed.id)
      .execute();
  }
}

/**
 * The plain values of personal custom fields of one record, for reveal-with-reason, keyed
 * `custom.<key>`: only personal or sensitive fields (422), only those the actor sees at all (403).
 */
export async function revealCustom(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  plan: TablePlan,
  row: Row,
  keys: readonly string[],
): Promise<Record<string, string | null>> {
  if (keys.length === 0) return {};
  const db = tx.trx as unknown as AnyDb;
  const definitions = await definitionsOf(db, plan.object as StoreObject);
  const wanted = keys.map((key) => {
    const definition = definitions.find((d) => d.key === key);
    if (!definition || !isProtectedClassification(definition.classification)) throw unprocessable('only personal fields can be revealed');
    if (customFieldAccess(actor, plan, definition) === 'hidden') throw forbidden(`you may not see custom.${key}`);
    return definition;
  });
  const key = row.wrapped_key && row.subject_id ? subjectKeyOf(kernel, row, plan) : undefined;
  const out: Record<string, string | null> = {};
  for (const definition of wanted) {
    const stored = await db.selectFrom(customValuesTable).select('value_enc').where('id', '=', customValueRowId(definition.id, row.id)).executeTakeFirst();
    out[`custom.${definition.key}`] = key && stored?.value_enc ? openValue(key, Buffer.from(stored.value_enc), aad(definition.id, row.id), kernel.suite) : null;
  }
  return out;
}

/** Deletes a record's custom values (with the record). */
export async function removeCustom(tx: AuditedTransaction, plan: TablePlan, recordId: string): Promise<void> {
  await (tx.trx as unknown as AnyDb).deleteFrom(customValuesTable).where('object', '=', plan.object).where('record_id', '=', recordId).execute();
}

export interface CustomView {
  /** Every custom field the reader may see, by key (null when the record has no value). */
  readonly custom: Record<string, Value>;
  /** Keys shown masked, as `custom.<key>`. */
  readonly masked: string[];
}

export interface CustomReading {
  readonly views: Map<string, CustomView>;
  /** The personal custom fields the reader sees (readable or masked), as `custom.<key>`, for the read event. */
  readonly personalFields: string[];
}

/** The custom values of a page of records as the actor may see them. Nothing when the object has no custom fields. */
export async function readCustom(kernel: Kernel, tx: AuditedTransaction, actor: Actor, plan: TablePlan, rows: readonly Row[]): Promise<CustomReading> {
  const db = tx.trx as unknown as AnyDb;
  const definitions = await definitionsOf(db, plan.object as StoreObject);
  const views = new Map<string, CustomView>();
  if (definitions.length === 0 || rows.length === 0) return { views, personalFields: [] };
  const visible = definitions.map((definition) => ({ definition, access: customFieldAccess(actor, plan, definition) })).filter((d) => d.access !== 'hidden');
  const stored: Record<string, unknown>[] = [];
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 500)
    stored.push(
      ...(await db
        .selectFrom(customValuesTable)
        .select(['record_id', 'field_id', 'value_text', 'value_enc'])
        .where('object', '=', plan.object)
        .where('record_id', 'in', ids.slice(i, i + 500))
        .execute()),
    );
  const byRecord = new Map<string, Map<string, Record<string, unknown>>>();
  for (const value of stored) {
    const record = byRecord.get(String(value.record_id)) ?? new Map();
    record.set(String(value.field_id), value);
    byRecord.set(String(value.record_id), record);
  }
  for (const row of rows) {
    const custom: Record<string, Value> = {};
    const masked: string[] = [];
    const values = byRecord.get(row.id);
    let key: Buffer | undefined | null = null;
    for (const { definition, access } of visible) {
      const value = values?.get(definition.id);
      if (!value) {
        custom[definition.key] = null;
        continue;
      }
      if (!isProtectedClassification(definition.classification)) {
        custom[definition.key] = presentedCustomValue(definition, value.value_text === null ? null : String(value.value_text));
        continue;
      }
      if (key === null) key = row.wrapped_key && row.subject_id ? subjectKeyOf(kernel, row, plan) : undefined;
      const plain = key && value.value_enc ? openValue(key, Buffer.from(value.value_enc as Buffer), aad(definition.id, row.id), kernel.suite) : null;
      if (access === 'masked' && plain !== null) {
        custom[definition.key] = maskedCustomValue(definition, plain);
        masked.push(`custom.${definition.key}`);
      } else custom[definition.key] = presentedCustomValue(definition, plain);
    }
    views.set(row.id, { custom, masked });
  }
  const personalFields = visible.filter((d) => isProtectedClassification(d.definition.classification)).map((d) => `custom.${d.definition.key}`);
  return { views, personalFields };
}

/** The audit names of the custom values a write sets (`custom.<key>`) and their diff (personal ones as [encrypted]). */
export function customChanges(prepared: PreparedCustom): { fields: string[]; diff: Record<string, Value> } {
  const fields = prepared.entries.map((e) => `custom.${e.definition.key}`);
  const diff = Object.fromEntries(
    prepared.entries.map((e) => [`custom.${e.definition.key}`, isProtectedClassification(e.definition.classification) ? '[encrypted]' : e.stored]),
  );
  return { fields, diff };
}

/** A presented record with its custom values added. */
export function withCustom(record: PresentedRecord, view: CustomView | undefined): PresentedRecord {
  if (!view) return record;
  const out: PresentedRecord = { ...record, custom: view.custom };
  if (view.masked.length > 0) out.maskedFields = [...((record.maskedFields as string[] | undefined) ?? []), ...view.masked];
  return out;
}

/** A read event naming the personal custom fields read too. */
export function withCustomFields(event: AuditEventInput, reading: CustomReading): AuditEventInput {
  if (reading.personalFields.length === 0 || !event.subjectIds?.length) return event;
  return { ...event, fields: [...(event.fields ?? []), ...reading.personalFields] };
}
