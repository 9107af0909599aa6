import { type KeyObject, randomBytes } from 'node:crypto';
import type { CipherSuite } from '../crypto/cipher-suite.js';
import { IntegrityError } from '../crypto/integrity-error.js';
import type { MasterKeyProvider } from '../crypto/master-key-provider.js';
import { openWithKey, type SealedToKey, sealToKey, x25519KeyId } from '../crypto/sealed-to-key.js';

/**
 * Each backup has its own random 32-byte key, sealed in the manifest one of two ways:
 * - `master`: wrapped by the installation's master key (file, environment or HSM), like the data keys;
 * - `x25519`: sealed to a backup public key (crypto/sealed-to-key.ts). The host that writes backups
 *   holds only the public key, so once it is compromised it can still write new backups but cannot
 *   read old ones; the private key is kept offline (or in the HSM) and needed only to verify data or restore.
 */
export type SealedBackupKey = { mode: 'master'; kekId: string; wrapped: string } | ({ mode: 'x25519' } & SealedToKey);

const label = (backupId: string) => `castellan:backup-key:${backupId}`;

/** A short stable name of an X25519 public key. */
export const backupKeyId = x25519KeyId;

/** Makes and seals a new backup key: to `publicKey` when given (asymmetric mode), else under the master key. */
export async function newBackupKey(
  backupId: string,
  suite: CipherSuite,
  provider: MasterKeyProvider,
  publicKey: KeyObject | null,
): Promise<{ key: Buffer; sealed: SealedBackupKey }> {
  const key = randomBytes(32);
  if (!publicKey)
    return {
      key,
      sealed: { mode: 'master', kekId: provider.keyId, wrapped: (await provider.wrap(key, Buffer.from(label(backupId), 'utf8'))).toString('base64') },
    };
  return { key, sealed: { mode: 'x25519', ...sealToKey(publicKey, key, label(backupId), suite) } };
}

/** Opens a sealed backup key; a wrong master key or private key throws an IntegrityError naming which. */
export async function openBackupKey(
  backupId: string,
  sealed: SealedBackupKey,
  keys: { provider?: MasterKeyProvider; privateKey?: KeyObject },
): Promise<Buffer> {
  if (sealed.mode === 'master') {
    if (!keys.provider) throw new IntegrityError('this backup is sealed under a master key, and none is configured');
    try {
      return await keys.provider.unwrap(Buffer.from(sealed.wrapped, 'base64'), Buffer.from(label(backupId), 'utf8'));
    } catch (error) {
      if (error instanceof IntegrityError)
        throw new IntegrityError(`the master key (${keys.provider.keyId}) cannot open this backup's key: it was sealed under master key ${sealed.kekId}`);
      throw error;
    }
  }
  if (sealed.mode !== 'x25519') throw new IntegrityError('the backup key is sealed in an unknown way');
  if (!keys.privateKey) throw new IntegrityError(`this backup is sealed to backup key ${sealed.recipient}: give its private key (--private-key)`);
  try {
    return openWithKey(keys.privateKey, sealed, label(backupId));
  } catch (error) {
    throw new IntegrityError(`this backup's key does not open: ${(error as Error).message}`);
  }
}
