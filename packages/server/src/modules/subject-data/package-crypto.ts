import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

/**
 * The encryption of an access package: AES-256-GCM under a key derived by scrypt (N = 2^15, r = 8,
 * p = 1) from a random passphrase that is shown once to the officer and never stored. Layout:
 * `CSTLPKG1` (8 bytes) | salt (16) | nonce (12) | tag (16) | ciphertext. docs/DATA-SUBJECTS.md shows
 * how to open it with any scrypt and AES-GCM implementation.
 */
const MAGIC = Buffer.from('CSTLPKG1', 'ascii');
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 30 characters from a 31-letter alphabet (≈ 148 bits), in groups of five for reading over a phone. */
export function newPassphrase(): string {
  const bytes = randomBytes(30);
  const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
  return chars.match(/.{5}/g)?.join('-') ?? chars;
}

const keyOf = (passphrase: string, salt: Buffer) => scryptSync(passphrase.normalize('NFKC'), salt, 32, SCRYPT);

export function sealPackage(passphrase: string, plaintext: Buffer): Buffer {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(passphrase, salt), nonce);
  cipher.setAAD(MAGIC);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, salt, nonce, cipher.getAuthTag(), ciphertext]);
}

/** Opens a package; a wrong passphrase or an altered byte throws. */
export function openPackage(passphrase: string, sealed: Buffer): Buffer {
  if (sealed.length < 52 || !sealed.subarray(0, 8).equals(MAGIC)) throw new Error('not an access package');
  const salt = sealed.subarray(8, 24);
  const nonce = sealed.subarray(24, 36);
  const tag = sealed.subarray(36, 52);
  const decipher = createDecipheriv('aes-256-gcm', keyOf(passphrase, salt), nonce);
  decipher.setAAD(MAGIC);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(52)), decipher.final()]);
}
