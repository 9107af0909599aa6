import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import type { CipherSuite } from '../crypto/cipher-suite.js';
import { openBytes, sealBytes } from '../crypto/envelope.js';
import { IntegrityError } from '../crypto/integrity-error.js';
import type { MasterKeyProvider } from '../crypto/master-key-provider.js';

/**
 * Each backup has its own random 32-byte key, sealed in the manifest one of two ways:
 * - `master`: wrapped by the installation's master key (file, environment or HSM), like the data keys;
 * - `x25519`: sealed to a backup public key (ECDH with a fresh ephemeral X25519 key, HKDF-SHA-256,
 *   then the cipher suite's authenticated encryption). The host that writes backups holds only the
 *   public key, so once it is compromised it can still write new backups but cannot read old ones;
 *   the private key is kept offline (or in the HSM) and needed only to verify data or restore.
 */
export type SealedBackupKey =
  | { mode: 'master'; kekId: string; wrapped: string }
  | { mode: 'x25519'; recipient: string; ephemeralPublicKey: string; sealed: string };

const aad = (backupId: string) => Buffer.from(`castellan:backup-key:${backupId}`, 'utf8');

/** A short stable name of an X25519 public key (SHA-256 of its SPKI DER, first 16 hex digits). */
export const backupKeyId = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);

function sharedKek(privateKey: KeyObject, publicKey: KeyObject, ephemeralPublic: Buffer, recipientPublic: Buffer, backupId: string): Buffer {
  const shared = diffieHellman({ privateKey, publicKey });
  const kek = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeralPublic, recipientPublic]), aad(backupId), 32));
  shared.fill(0);
  return kek;
}

const rawPublic = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' });

/** Makes and seals a new backup key: to `publicKey` when given (asymmetric mode), else under the master key. */
export async function newBackupKey(
  backupId: string,
  suite: CipherSuite,
  provider: MasterKeyProvider,
  publicKey: KeyObject | null,
): Promise<{ key: Buffer; sealed: SealedBackupKey }> {
  const key = randomBytes(32);
  if (!publicKey) return { key, sealed: { mode: 'master', kekId: provider.keyId, wrapped: (await provider.wrap(key, aad(backupId))).toString('base64') } };
  if (publicKey.asymmetricKeyType !== 'x25519') throw new Error('the backup public key must be an X25519 key (openssl genpkey -algorithm X25519)');
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublic = rawPublic(ephemeral.publicKey);
  const kek = sharedKek(ephemeral.privateKey, publicKey, ephemeralPublic, rawPublic(publicKey), backupId);
  const sealed = sealBytes(suite, kek, 1, key, aad(backupId));
  kek.fill(0);
  return {
    key,
    sealed: { mode: 'x25519', recipient: backupKeyId(publicKey), ephemeralPublicKey: ephemeralPublic.toString('base64'), sealed: sealed.toString('base64') },
  };
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
      return await keys.provider.unwrap(Buffer.from(sealed.wrapped, 'base64'), aad(backupId));
    } catch (error) {
      if (error instanceof IntegrityError)
        throw new IntegrityError(`the master key (${keys.provider.keyId}) cannot open this backup's key: it was sealed under master key ${sealed.kekId}`);
      throw error;
    }
  }
  if (sealed.mode !== 'x25519') throw new IntegrityError('the backup key is sealed in an unknown way');
  if (!keys.privateKey) throw new IntegrityError(`this backup is sealed to backup key ${sealed.recipient}: give its private key (--private-key)`);
  const recipientPublic = createPublicKey(keys.privateKey);
  if (backupKeyId(recipientPublic) !== sealed.recipient)
    throw new IntegrityError(`this backup is sealed to backup key ${sealed.recipient}, not to the private key given (${backupKeyId(recipientPublic)})`);
  const ephemeralPublic = Buffer.from(sealed.ephemeralPublicKey, 'base64');
  const ephemeral = createPublicKey({ key: ephemeralPublic, format: 'der', type: 'spki' });
  const kek = sharedKek(keys.privateKey, ephemeral, ephemeralPublic, rawPublic(recipientPublic), backupId);
  try {
    return openBytes(kek, Buffer.from(sealed.sealed, 'base64'), aad(backupId));
  } finally {
    kek.fill(0);
  }
}
