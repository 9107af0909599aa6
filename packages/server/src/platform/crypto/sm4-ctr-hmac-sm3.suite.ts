import { createCipheriv, createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CipherSuite, SealedParts } from './cipher-suite.js';
import { IntegrityError } from './integrity-error.js';
import { nonceSource } from './nonce-pool.js';

const KEY_LENGTH = 32;
const NONCE_LENGTH = 16;
const TAG_LENGTH = 32;

const nextNonce = nonceSource(NONCE_LENGTH);

/** Bytes 0..15 = SM4 key, bytes 16..31 = HMAC-SM3 key. */
function splitKey(key: Buffer): { encKey: Buffer; macKey: Buffer } {
  if (key.length !== KEY_LENGTH) throw new Error(`SM4-CTR/HMAC-SM3 key must be ${KEY_LENGTH} bytes`);
  return { encKey: key.subarray(0, 16), macKey: key.subarray(16, 32) };
}

/** HMAC-SM3(macKey, uint32BE(aad.length) || aad || nonce || ciphertext), full 32 bytes. */
function computeTag(macKey: Buffer, aad: Buffer, nonce: Buffer, ciphertext: Buffer): Buffer {
  if (aad.length > 0xffffffff) throw new Error('associated data too long');
  const aadLength = Buffer.alloc(4);
  aadLength.writeUInt32BE(aad.length, 0);
  return createHmac('sm3', macKey).update(aadLength).update(aad).update(nonce).update(ciphertext).digest();
}

/** `gm` (国密): SM4-CTR + HMAC-SM3 encrypt-then-MAC, SM3, HMAC-SM3. */
export const sm4CtrHmacSm3Suite: CipherSuite = {
  id: 'gm',
  code: 2,
  nonceLength: NONCE_LENGTH,
  tagLength: TAG_LENGTH,

  seal(key: Buffer, plaintext: Buffer, aad: Buffer): SealedParts {
    const { encKey, macKey } = splitKey(key);
    const nonce = nextNonce();
    const cipher = createCipheriv('sm4-ctr', encKey, nonce);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { nonce, ciphertext, tag: computeTag(macKey, aad, nonce, ciphertext) };
  },

  open(key: Buffer, parts: SealedParts, aad: Buffer): Buffer {
    const { encKey, macKey } = splitKey(key);
    if (parts.nonce.length !== NONCE_LENGTH || parts.tag.length !== TAG_LENGTH) {
      throw new IntegrityError('ciphertext failed authentication');
    }
    let expected: Buffer;
    try {
      expected = computeTag(macKey, aad, parts.nonce, parts.ciphertext);
    } catch {
      throw new IntegrityError('ciphertext failed authentication');
    }
    // Verify BEFORE decrypting: unauthenticated ciphertext is never fed to SM4.
    if (!timingSafeEqual(expected, parts.tag)) throw new IntegrityError('ciphertext failed authentication');
    try {
      const decipher = createDecipheriv('sm4-ctr', encKey, parts.nonce);
      return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
    } catch {
      throw new IntegrityError('ciphertext failed authentication');
    }
  },

  hash(data: Buffer | string): Buffer {
    return createHash('sm3').update(data).digest();
  },

  mac(key: Buffer, data: Buffer | string): Buffer {
    return createHmac('sm3', key).update(data).digest();
  },
};
