import { IntegrityError } from './integrity-error.js';
import { sm2Decrypt, sm2Encrypt } from './sm2-encrypt.js';
import { type Sm2PrivateKey, type Sm2PublicKey, sm2KeyId } from './sm2-keys.js';

/**
 * Bytes sealed to an SM2 public key (the 国密 counterpart of sealed-to-key.ts): SM2 encryption
 * (GB/T 32918.4, C1‖C3‖C2) of  label length (2 bytes) ‖ label ‖ plaintext. C3 authenticates the
 * whole, and opening checks the label, so sealed bytes moved to another use (another backup id) do not open.
 */
export interface SealedToSm2Key {
  recipient: string;
  sealed: string;
}

function framed(label: string, plaintext: Buffer): Buffer {
  const l = Buffer.from(label, 'utf8');
  if (l.length > 0xffff) throw new Error('the label is too long');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(l.length);
  return Buffer.concat([length, l, plaintext]);
}

export function sealToSm2Key(publicKey: Sm2PublicKey, plaintext: Buffer, label: string): SealedToSm2Key {
  const message = framed(label, plaintext);
  try {
    return { recipient: sm2KeyId(publicKey), sealed: sm2Encrypt(publicKey.point, message).toString('base64') };
  } finally {
    message.fill(0);
  }
}

/** Opens bytes sealed by sealToSm2Key; a wrong private key, label or byte throws an IntegrityError (naming the key it wants). */
export function openWithSm2Key(privateKey: Sm2PrivateKey, sealed: SealedToSm2Key, label: string): Buffer {
  const given = sm2KeyId(privateKey.publicKey);
  if (given !== sealed.recipient) throw new IntegrityError(`sealed to key ${sealed.recipient}, not to the private key given (${given})`);
  const message = sm2Decrypt(privateKey.scalar, Buffer.from(sealed.sealed, 'base64'));
  const expected = framed(label, Buffer.alloc(0));
  if (message.length < expected.length || !message.subarray(0, expected.length).equals(expected)) {
    message.fill(0);
    throw new IntegrityError('the sealed bytes belong to another use (label)');
  }
  const plaintext = Buffer.from(message.subarray(expected.length));
  message.fill(0);
  return plaintext;
}
