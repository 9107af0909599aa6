import type { Transaction } from 'kysely';
import { openValue, sealValue } from '../crypto/envelope.js';
import { IntegrityError } from '../crypto/integrity-error.js';
import { subjectSealedColumn } from '../crypto/sealed-columns.js';
import type { Database } from '../db/schema.js';
import type { Kernel } from '../kernel.js';
import { userSubjectKey } from './user-secrets.js';

/**
 * The name of a passkey is typed by the staff member: free text, so personal data until proven
 * otherwise. It is sealed under that person's subject key in `webauthn_credentials.name_enc` (AAD binds
 * the credential id), so erasing the person shreds it and a key rotation re-encrypts it (the column is
 * in the sealed-column registry, found through `user_id`). A passkey registered without a name, and
 * every passkey registered before names were sealed (migration 014 dropped their plaintext names),
 * stores none: it is labelled "Passkey <creation date>".
 */
export const defaultPasskeyLabel = (createdAt: string): string => `Passkey ${createdAt.slice(0, 10)}`;

const nameCell = (credentialId: string) => ({
  table: 'webauthn_credentials',
  column: subjectSealedColumn('webauthn_credentials', 'name').aadColumn,
  rowId: credentialId,
});

/**
 * The sealed name for a credential about to be written in `trx`, or null without a name. The subject
 * row is locked first (as rotation does, subject before record), so the key cannot change before the
 * row lands.
 */
export async function sealPasskeyName(
  kernel: Kernel,
  trx: Transaction<Database>,
  userId: string,
  credentialId: string,
  name: string | undefined,
): Promise<Buffer | null> {
  if (!name) return null;
  const { key, version } = await userSubjectKey(kernel, trx, userId);
  return sealValue(kernel.suite, key, version, name, nameCell(credentialId));
}

interface StoredName {
  id: string;
  name_enc: Buffer | null;
  created_at: string;
}

/** Each credential's label for its owner: the opened name, or the default label when none is stored or it cannot be opened. */
export async function passkeyLabels(kernel: Kernel, userId: string, rows: readonly StoredName[]): Promise<Map<string, string>> {
  const labels = new Map(rows.map((r) => [r.id, defaultPasskeyLabel(r.created_at)]));
  if (!rows.some((r) => r.name_enc)) return labels;
  const key = await userSubjectKey(kernel, kernel.db.kysely, userId).then(
    (k) => k.key,
    () => undefined, // erased: the names are shredded with the key
  );
  if (!key) return labels;
  for (const row of rows) {
    if (!row.name_enc) continue;
    try {
      labels.set(row.id, openValue(key, Buffer.from(row.name_enc), nameCell(row.id), kernel.suite));
    } catch (error) {
      // A moved or altered envelope never opens as another passkey's name: the default label stands.
      if (!(error instanceof IntegrityError)) throw error;
    }
  }
  return labels;
}
