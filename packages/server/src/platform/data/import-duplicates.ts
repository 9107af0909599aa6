import type { BlindIndexKind } from '@castellan/shared';
import type { Kysely } from 'kysely';
import type { Kernel } from '../kernel.js';
import { decodePersonalValues, fieldBlindIndex } from './record-codec.js';
import type { RecordValues } from './store-values.js';
import { bidxColumn, blindIndexBits, encColumn, type PlannedField, type TablePlan } from './table-plan.js';

type AnyDb = Kysely<any>;

/** The fields an object's rows are de-duplicated on: its personal fields with an exact-match blind index (e-mail, phone, ID number). */
export const duplicateFields = (plan: TablePlan): PlannedField[] => plan.encrypted.filter((f) => f.spec.blindIndex && f.spec.blindIndex !== 'name');

/** One value of a row to de-duplicate on: the stored (truncated) blind index to look up, and a 128-bit digest to compare. */
export interface RowDigest {
  field: PlannedField;
  /** `<column>_bidx` as stored (32 bits: collides by design, so candidates are confirmed). */
  bidx: string;
  /** First 128 bits of the 256-bit blind index: equal only for equal normalised values. */
  digest: Buffer;
}

export function rowDigests(kernel: Kernel, plan: TablePlan, fields: readonly PlannedField[], values: RecordValues): RowDigest[] {
  const out: RowDigest[] = [];
  for (const field of fields) {
    const value = values[field.name];
    if (typeof value !== 'string' || value === '') continue;
    // One MAC: the stored index is the first `bits` of the same blind index (blindIndex keeps a prefix).
    const hex = fieldBlindIndex(kernel.keyring, plan, field, value, 128);
    const bits = blindIndexBits[field.spec.blindIndex as BlindIndexKind];
    out.push({ field, bidx: hex.slice(0, bits / 4), digest: Buffer.from(hex, 'hex') });
  }
  return out;
}

const keyOf = (d: { field: PlannedField; digest: Buffer }) => `${d.field.name}:${d.digest.toString('hex')}`;

/**
 * Which of the given values already exist in the object's table, whoever's scope the records are in
 * (a duplicate is a duplicate): one query per field per 1 000 values on the blind-index column, then
 * each candidate's stored value is decrypted and its 128-bit digest compared (the stored index is
 * truncated and collides by design). Nothing decrypted leaves this function; only "exists" does.
 */
export async function existingDigests(kernel: Kernel, db: AnyDb, plan: TablePlan, digests: readonly RowDigest[]): Promise<Set<string>> {
  const found = new Set<string>();
  const byField = new Map<PlannedField, RowDigest[]>();
  for (const d of digests) {
    const list = byField.get(d.field);
    if (list) list.push(d);
    else byField.set(d.field, [d]);
  }
  const q = db;
  const table = plan.object;
  for (const [field, items] of byField) {
    const wanted = new Set(items.map(keyOf));
    const bidxs = [...new Set(items.map((d) => d.bidx))];
    for (let i = 0; i < bidxs.length; i += 1000) {
      const batch = bidxs.slice(i, i + 1000);
      let select = q.selectFrom(table).where(`${table}.${bidxColumn(field)}`, 'in', batch);
      select = plan.ownSubject
        ? select.innerJoin('data_subjects', 'data_subjects.id', `${table}.subject_id`)
        : select.leftJoin('data_subjects', 'data_subjects.id', `${table}.subject_id`);
      const rows = (await select
        .select([`${table}.id as id`, `${table}.subject_id as subject_id`, `${table}.${encColumn(field)} as ${encColumn(field)}`])
        .select(['data_subjects.key_version as key_version', 'data_subjects.wrapped_key as wrapped_key'])
        .execute()) as Record<string, unknown>[];
      for (const row of rows) {
        if (!row.wrapped_key || !row.subject_id) continue; // an erased person: nothing left to match
        const key = kernel.keyring.subjectKey(String(row.subject_id), Number(row.key_version), Buffer.from(row.wrapped_key as Uint8Array));
        const value = decodePersonalValues(kernel.suite, plan, row, key, [field])[field.name];
        if (!value) continue;
        let digest: Buffer;
        try {
          digest = Buffer.from(fieldBlindIndex(kernel.keyring, plan, field, value, 128), 'hex');
        } catch {
          continue; // a stored value that no longer normalises cannot equal a valid one
        }
        const k = keyOf({ field, digest });
        if (wanted.has(k)) found.add(k);
      }
    }
  }
  return found;
}

export const digestKey = keyOf;
