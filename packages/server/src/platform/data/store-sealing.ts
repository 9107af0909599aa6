import { unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { newId, nowIso } from './ids.js';
import { decodePersonalValues, encodePersonalValues } from './record-codec.js';
import { subjectKeyOf } from './store-presenter.js';
import type { Row } from './store-query.js';
import { subjectVia } from './store-references.js';
import type { RecordValues } from './store-values.js';
import { lockSubjectKey } from './subject-keys.js';
import type { TablePlan } from './table-plan.js';

/** Sealing a row's personal values: under its own new data subject (a person), or under the person it is about. */
/** A row about a person can hold personal values only once it names that person. */
export function assertSealable(plan: TablePlan, input: RecordValues, subject: unknown): void {
  if (subject) return;
  const given = plan.encrypted.filter((f) => input[f.name] !== undefined && input[f.name] !== null && input[f.name] !== '');
  if (given.length > 0) throw unprocessable(`${given.map((f) => f.name).join(', ')} can be kept only for a ${plan.subjectVia?.name ?? 'person'} that is set`);
}

export async function subjectColumns(tx: AuditedTransaction, subjectId: string | null): Promise<Record<string, unknown>> {
  if (!subjectId) return { key_version: null, wrapped_key: null };
  const s = await tx.trx.selectFrom('data_subjects').select(['key_version', 'wrapped_key']).where('id', '=', subjectId).executeTakeFirst();
  return { key_version: s?.key_version ?? null, wrapped_key: s?.wrapped_key ?? null };
}

/**
 * Seals a new row's personal values into `row`: under a new data subject of its own (a person), or
 * under the key of the person the row is about (`subject: { via }`, locked first).
 */
export async function sealInto(
  kernel: Kernel,
  tx: AuditedTransaction,
  plan: TablePlan,
  row: Record<string, unknown>,
  id: string,
  input: RecordValues,
): Promise<{ key_version: number | null; wrapped_key: Buffer | null }> {
  const keyring = kernel.keyring;
  let subject: { key: Buffer; version: number; wrapped: Buffer } | undefined;
  if (plan.ownSubject) {
    const subjectId = newId();
    subject = keyring.newSubjectKey(subjectId);
    await tx.trx
      .insertInto('data_subjects')
      .values({ id: subjectId, key_version: subject.version, wrapped_key: subject.wrapped, created_at: nowIso(), erased_at: null })
      .execute();
    row.subject_id = subjectId;
  } else {
    const subjectId = await subjectVia(tx, plan, input[plan.subjectVia?.name ?? '']);
    subject = subjectId ? await lockSubjectKey(kernel, tx.trx, subjectId) : undefined;
    assertSealable(plan, input, subject);
    row.subject_id = subjectId;
  }
  if (!subject) return { key_version: null, wrapped_key: null };
  const encoded = encodePersonalValues(keyring, plan, id, subject.key, subject.version, input);
  Object.assign(row, encoded.columns);
  if (encoded.nameDigests) await replaceNameTokens(tx, plan, id, encoded.nameDigests, true);
  return { key_version: subject.version, wrapped_key: subject.wrapped };
}

/**
 * Seals an update's personal values into `changes`. When the row moves to another person (its
 * `via` field changes), every stored personal value is re-sealed under the new person's key.
 */
export async function resealInto(
  kernel: Kernel,
  tx: AuditedTransaction,
  plan: TablePlan,
  row: Row,
  changes: Record<string, unknown>,
  patch: RecordValues,
  movesPerson: boolean,
): Promise<void> {
  const id = row.id;
  let values: RecordValues = patch;
  let key = subjectKeyOf(kernel, row, plan);
  let version = Number(row.key_version);
  if (movesPerson) {
    const kept = key ? decodePersonalValues(kernel.suite, plan, row, key, plan.encrypted) : {};
    values = { ...kept, ...Object.fromEntries(plan.encrypted.filter((f) => f.name in patch).map((f) => [f.name, patch[f.name]])) };
    const subjectId = await subjectVia(tx, plan, patch[plan.subjectVia?.name ?? '']);
    const locked = subjectId ? await lockSubjectKey(kernel, tx.trx, subjectId) : undefined;
    assertSealable(plan, values, locked);
    changes.subject_id = subjectId;
    key = locked?.key;
    version = locked?.version ?? 0;
    if (!key) {
      for (const field of plan.encrypted) changes[`${field.column}_enc`] = null;
      return;
    }
  } else if (!key) {
    assertSealable(plan, patch, undefined);
    return;
  }
  const encoded = encodePersonalValues(kernel.keyring, plan, id, key, version, values);
  Object.assign(changes, encoded.columns);
  if (encoded.nameDigests) await replaceNameTokens(tx, plan, id, encoded.nameDigests);
}

export async function replaceNameTokens(tx: AuditedTransaction, plan: TablePlan, rowId: string, digests: string[], fresh = false): Promise<void> {
  if (!fresh) await tx.trx.deleteFrom('name_tokens').where('table_name', '=', plan.object).where('row_id', '=', rowId).execute();
  const unique = [...new Set(digests)];
  if (unique.length > 0)
    await tx.trx
      .insertInto('name_tokens')
      .values(unique.map((digest) => ({ table_name: plan.object, row_id: rowId, digest })))
      .execute();
}
