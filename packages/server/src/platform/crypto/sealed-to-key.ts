import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { aes256GcmSuite } from './aes-256-gcm.suite.js';
import type { CipherSuite } from './cipher-suite.js';
import { openBytes, sealBytes } from './envelope.js';
import { IntegrityError } from './integrity-error.js';

/**
 * Bytes sealed to an X25519 public key, so that only the holder of the private key opens them (an
 * asymmetric backup's key, an escrowed master key): a fresh ephemeral key pair, ECDH, HKDF-SHA-256
 * over both public keys and a label, then the cipher suite's authenticated encryption with the label
 * as AAD. The label binds the use (a backup id, "master-key-escrow"): sealed bytes moved to another use do not open.
 */
export interface SealedToKey {
  recipient: string;
  ephemeralPublicKey: string;
  sealed: string;
}

/** A short stable name of an X25519 public key (SHA-256 of its SPKI DER, first 16 hex digits). */
export const x25519KeyId = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);

const spki = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' });

function kekOf(privateKey: KeyObject, publicKey: KeyObject, ephemeralPublic: Buffer, recipientPublic: Buffer, label: string): Buffer {
  const shared = diffieHellman({ privateKey, publicKey });
  const kek = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeralPublic, recipientPublic]), Buffer.from(label, 'utf8'), 32));
  shared.fill(0);
  return kek;
}

export function sealToKey(publicKey: KeyObject, plaintext: Buffer, label: string, suite: CipherSuite = aes256GcmSuite): SealedToKey {
  if (publicKey.asymmetricKeyType !== 'x25519') throw new Error('the public key must be an X25519 key (openssl genpkey -algorithm X25519)');
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublic = spki(ephemeral.publicKey);
  const kek = kekOf(ephemeral.privateKey, publicKey, ephemeralPublic, spki(publicKey), label);
  try {
    const sealed = sealBytes(suite, kek, 1, plaintext, Buffer.from(label, 'utf8'));
    return { recipient: x25519KeyId(publicKey), ephemeralPublicKey: ephemeralPublic.toString('base64'), sealed: sealed.toString('base64') };
  } finally {
    kek.fill(0);
  }
}

/** Opens bytes sealed by sealToKey; a wrong private key, label or byte throws an IntegrityError naming which key it wants. */
export function openWithKey(privateKey: KeyObject, sealed: SealedToKey, label: string): Buffer {
  const recipientPublic = createPublicKey(privateKey);
  if (x25519KeyId(recipientPublic) !== sealed.recipient)
    throw new IntegrityError(`sealed to key ${sealed.recipient}, not to the private key given (${x25519KeyId(recipientPublic)})`);
  const ephemeralPublic = Buffer.from(sealed.ephemeralPublicKey, 'base64');
  let kek: Buffer;
  try {
    kek = kekOf(privateKey, createPublicKey({ key: ephemeralPublic, format: 'der', type: 'spki' }), ephemeralPublic, spki(recipientPublic), label);
  } catch {
    throw new IntegrityError('the sealed bytes carry no valid ephemeral key');
  }
  try {
    return openBytes(kek, Buffer.from(sealed.sealed, 'base64'), Buffer.from(label, 'utf8'));
  } finally {
    kek.fill(0);
  }
}
