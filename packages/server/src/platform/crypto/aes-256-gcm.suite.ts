import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import type { CipherSuite, SealedParts } from './cipher-suite.js';
import { IntegrityError } from './integrity-error.js';
import { nonceSource } from './nonce-pool.js';

const KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

const nextNonce = nonceSource(NONCE_LENGTH);

function checkKey(key: Buffer): void {
  if (key.length !== KEY_LENGTH) throw new Error(`AES-256-GCM key must be ${KEY_LENGTH} bytes`);
}

/** `intl`: AES-256-GCM (96-bit random nonce, 128-bit tag), SHA-256, HMAC-SHA-256. */
export const aes256GcmSuite: CipherSuite = {
  id: 'intl',
  code: 1,
  nonceLength: NONCE_LENGTH,
  tagLength: TAG_LENGTH,

  seal(key: Buffer, plaintext: Buffer, aad: Buffer): SealedParts {
    checkKey(key);
    const nonce = nextNonce();
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { nonce, ciphertext, tag: cipher.getAuthTag() };
  },

  open(key: Buffer, parts: SealedParts, aad: Buffer): Buffer {
    checkKey(key);
    if (parts.nonce.length !== NONCE_LENGTH || parts.tag.length !== TAG_LENGTH) {
      throw new IntegrityError('ciphertext failed authentication');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, parts.nonce, { authTagLength: TAG_LENGTH });
      decipher.setAAD(aad);
      decipher.setAuthTag(parts.tag);
      return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
    } catch {
      throw new IntegrityError('ciphertext failed authentication');
    }
  },

  hash(data: Buffer | string): Buffer {
    return createHash('sha256').update(data).digest();
  },

  mac(key: Buffer, data: Buffer | string): Buffer {
    return createHmac('sha256', key).update(data).digest();
  },
};
