import type { BlindIndexKind } from '@castellan/shared';
import { blindIndex, nameTokens, normalizeEmail, normalizeIdNumber, normalizePhone } from '../crypto/blind-index.js';
import type { CipherSuite } from '../crypto/cipher-suite.js';
import { openValue, sealValue } from '../crypto/envelope.js';
import type { Keyring } from '../crypto/keyring.js';
import { bidxColumn, blindIndexBits, encColumn, type PlannedField, type TablePlan } from './table-plan.js';

export const normalizers: Record<Exclude<BlindIndexKind, 'name'>, (value: string) => string> = {
  email: normalizeEmail,
  phone: (value) => normalizePhone(value),
  id_number: normalizeIdNumber,
};

/** The blind index of one value for one field, as stored in `<column>_bidx`. */
export function fieldBlindIndex(keyring: Keyring, plan: TablePlan, field: PlannedField, value: string, bits?: number): string {
  const kind = field.spec.blindIndex;
  if (!kind || kind === 'name') throw new Error(`${plan.object}.${field.name} has no exact-match blind index`);
  return blindIndex(keyring.suite, keyring.blindIndexKey, `${plan.object}.${field.name}`, normalizers[kind](value), bits ?? blindIndexBits[kind]);
}

/** Name-token digests for whole-token name search. */
export function nameTokenDigests(keyring: Keyring, plan: TablePlan, field: PlannedField, value: string): string[] {
  return nameTokens(value).map((token) => blindIndex(keyring.suite, keyring.blindIndexKey, `${plan.object}.${field.name}`, token, blindIndexBits.name));
}

export interface EncodedValues {
  columns: Record<string, Buffer | string | null>;
  /** Name token digests to store when a name field was written (undefined = names untouched). */
  nameDigests?: string[];
}

/** Encrypts the given personal values of one row under the subject key; computes blind indexes. */
export function encodePersonalValues(
  keyring: Keyring,
  plan: TablePlan,
  rowId: string,
  subjectKey: Buffer,
  keyVersion: number,
  values: Readonly<Record<string, unknown>>,
): EncodedValues {
  const columns: EncodedValues['columns'] = {};
  let nameDigests: string[] | undefined;
  for (const field of plan.encrypted) {
    if (!(field.name in values)) continue;
    const raw = values[field.name];
    const present = raw !== null && raw !== undefined && raw !== '';
    const value = present ? String(raw) : '';
    columns[encColumn(field)] = present ? sealValue(keyring.suite, subjectKey, keyVersion, value, { table: plan.object, column: field.column, rowId }) : null;
    const kind = field.spec.blindIndex;
    if (kind === 'name') nameDigests = present ? nameTokenDigests(keyring, plan, field, value) : [];
    else if (kind) columns[bidxColumn(field)] = present ? fieldBlindIndex(keyring, plan, field, value) : null;
  }
  return { columns, nameDigests };
}

/**
 * Decrypts the named fields of one stored row; a moved or altered ciphertext, or one made with another
 * cipher suite than the installation's, throws IntegrityError.
 */
export function decodePersonalValues(
  suite: CipherSuite,
  plan: TablePlan,
  row: Record<string, unknown>,
  subjectKey: Buffer,
  fields: readonly PlannedField[],
): Record<string, string | null> {
  const rowId = String(row.id);
  const out: Record<string, string | null> = {};
  for (const field of fields) {
    const envelope = row[encColumn(field)] as Buffer | null | undefined;
    out[field.name] = envelope ? openValue(subjectKey, Buffer.from(envelope), { table: plan.object, column: field.column, rowId }, suite) : null;
  }
  return out;
}
