import { envelopeKeyVersion, openValue, sealValue } from '../crypto/envelope.js';
import type { Keyring } from '../crypto/keyring.js';

/**
 * Text of the records that names people — the controller's contact, the DPO (个人信息保护负责人) and
 * an assessor's free-text findings — sealed under the audit data key (the records are kept at least
 * three years, beyond any one subject's erasure), each bound by AAD to its table, column and row: a
 * value moved to another row or column fails to open.
 */
export type SealedRecordCell =
  | { table: 'records_controller'; column: 'contact' | 'dpo'; rowId: string }
  | { table: 'ropa_versions'; column: 'controller'; rowId: string }
  | { table: 'pipia_versions'; column: 'findings'; rowId: string };

export function sealRecordText(keyring: Keyring, cell: SealedRecordCell, text: string | null | undefined): Buffer | null {
  if (text === null || text === undefined || text === '') return null;
  return sealValue(keyring.suite, keyring.auditDetailKey(), keyring.auditDetailVersion, text, cell);
}

export function openRecordText(keyring: Keyring, cell: SealedRecordCell, sealed: Buffer | null): string | null {
  if (!sealed) return null;
  const envelope = Buffer.from(sealed);
  return openValue(keyring.auditDetailKey(envelopeKeyVersion(envelope)), envelope, cell, keyring.suite);
}

/** The row id of one assessment version in its AAD. */
export const pipiaVersionRow = (pipiaId: string, version: number): string => `${pipiaId}:${version}`;
