import { KeyObject, randomBytes } from 'node:crypto';
import type { CipherSuite } from '../crypto/cipher-suite.js';
import { IntegrityError } from '../crypto/integrity-error.js';
import type { MasterKeyProvider } from '../crypto/master-key-provider.js';
import { openWithKey, type SealedToKey, sealToKey, x25519KeyId } from '../crypto/sealed-to-key.js';
import { openWithSm2Key, type SealedToSm2Key, sealToSm2Key } from '../crypto/sealed-to-sm2-key.js';
import { type Sm2PrivateKey, type Sm2PublicKey, sm2KeyId } from '../crypto/sm2-keys.js';

/**
 * Each backup has its own random 32-byte key, sealed in the manifest one of two ways:
 * - `master`: wrapped by the installation's master key (file, environment or HSM), like the data keys;
 * - `x25519`: sealed to a backup public key (crypto/sealed-to-key.ts). The host that writes backups
 *   holds only the public key, so once it is compromised it can still write new backups but cannot
 *   read old ones; the private key is kept offline (or in the HSM) and needed only to verify data or restore.
 * - `sm2`: the same, sealed to an SM2 public key (crypto/sealed-to-sm2-key.ts, GB/T 32918.4): the 国密 choice.
 */
export type SealedBackupKey = { mode: 'master'; kekId: string; wrapped: string } | ({ mode: 'x25519' } & SealedToKey) | ({ mode: 'sm2' } & SealedToSm2Key);

/** Asymmetric mode's public key: an X25519 KeyObject or an SM2 key (Node cannot import SM2 PEM as a KeyObject). */
export type BackupPublicKey = KeyObject | Sm2PublicKey;
export type BackupPrivateKey = KeyObject | Sm2PrivateKey;

const label = (backupId: string) => `castellan:backup-key:${backupId}`;

/** A short stable name of a backup public key (SHA-256 of its SPKI DER, first 16 hex digits). */
export const backupKeyId = (key: BackupPublicKey): string => (key instanceof KeyObject ? x25519KeyId(key) : sm2KeyId(key));

/** The way a backup key sealed to this public key is recorded (the manifest's and the run's key mode). */
export const backupKeyMode = (key: BackupPublicKey): 'x25519' | 'sm2' => (key instanceof KeyObject ? 'x25519' : 'sm2');

/** Makes and seals a new backup key: to `publicKey` when given (asymmetric mode), else under the master key. */
export async function newBackupKey(
  backupId: string,
  suite: CipherSuite,
  provider: MasterKeyProvider,
  publicKey: BackupPublicKey | null,
): Promise<{ key: Buffer; sealed: SealedBackupKey }> {
  const key = randomBytes(32);
  if (!publicKey)
    return {
      key,
      sealed: { mode: 'master', kekId: provider.keyId, wrapped: (await provider.wrap(key, Buffer.from(label(backupId), 'utf8'))).toString('base64') },
    };
  if (!(publicKey instanceof KeyObject)) return { key, sealed: { mode: 'sm2', ...sealToSm2Key(publicKey, key, label(backupId)) } };
  return { key, sealed: { mode: 'x25519', ...sealToKey(publicKey, key, label(backupId), suite) } };
}

/** Opens a sealed backup key; a wrong master key or private key throws an IntegrityError naming which. */
export async function openBackupKey(
  backupId: string,
  sealed: SealedBackupKey,
  keys: { provider?: MasterKeyProvider; privateKey?: BackupPrivateKey },
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
  if (sealed.mode !== 'x25519' && sealed.mode !== 'sm2') throw new IntegrityError('the backup key is sealed in an unknown way');
  const kind = sealed.mode === 'sm2' ? 'SM2' : 'X25519';
  if (!keys.privateKey) throw new IntegrityError(`this backup is sealed to ${kind} backup key ${sealed.recipient}: give its private key (--private-key)`);
  const given = keys.privateKey;
  if ((sealed.mode === 'sm2') === given instanceof KeyObject)
    throw new IntegrityError(`this backup is sealed to ${kind} backup key ${sealed.recipient}: the private key given is not an ${kind} key`);
  try {
    if (sealed.mode === 'sm2') return openWithSm2Key(given as Sm2PrivateKey, sealed, label(backupId));
    return openWithKey(given as KeyObject, sealed, label(backupId));
  } catch (error) {
    throw new IntegrityError(`this backup's key does not open: ${(error as Error).message}`);
  }
}
