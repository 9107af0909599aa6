import { envelopeKeyVersion, openValue, sealValue } from '../crypto/envelope.js';
import type { Keyring } from '../crypto/keyring.js';

/**
 * The description and notes of an incident are free text typed by staff: personal data until proven
 * otherwise. Sealed under the audit data key (the register, like the audit trail, must outlive any one
 * subject's erasure), each bound by AAD to its own table, column and row: a value moved to another
 * incident or column fails to open.
 */
export type SealedBreachText = 'description' | 'notes';

const cell = (id: string, column: SealedBreachText) => ({ table: 'breaches', column, rowId: id });

export function sealBreachText(keyring: Keyring, id: string, column: SealedBreachText, text: string | null | undefined): Buffer | null {
  if (text === null || text === undefined || text === '') return null;
  return sealValue(keyring.suite, keyring.auditDetailKey(), keyring.auditDetailVersion, text, cell(id, column));
}

export function openBreachText(keyring: Keyring, id: string, column: SealedBreachText, sealed: Buffer | null): string | null {
  if (!sealed) return null;
  const envelope = Buffer.from(sealed);
  return openValue(keyring.auditDetailKey(envelopeKeyVersion(envelope)), envelope, cell(id, column), keyring.suite);
}
