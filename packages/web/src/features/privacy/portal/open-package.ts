import { scryptAsync } from '@noble/hashes/scrypt';

/**
 * Opens an access package in the browser, so the passphrase never leaves the page: scrypt
 * (N = 2^15, r = 8, p = 1) from the NFKC form of the passphrase, then AES-256-GCM with the magic as
 * additional data. Layout (docs/DATA-SUBJECTS.md): `CSTLPKG1` | salt (16) | nonce (12) | tag (16) | ciphertext.
 * A wrong passphrase or an altered byte rejects with `wrong_passphrase`; a file that is not a
 * package with `not_a_package`.
 */
const MAGIC = new TextEncoder().encode('CSTLPKG1');

export class PackageOpenError extends Error {
  constructor(readonly reason: 'wrong_passphrase' | 'not_a_package') {
    super(reason);
  }
}

export async function openAccessPackage(passphrase: string, sealed: Uint8Array, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<string> {
  if (sealed.length < 52 || !MAGIC.every((b, i) => sealed[i] === b)) throw new PackageOpenError('not_a_package');
  const salt = new Uint8Array(sealed.slice(8, 24));
  const nonce = new Uint8Array(sealed.slice(24, 36));
  const tag = sealed.slice(36, 52);
  const ciphertext = sealed.slice(52);
  const derived = await scryptAsync(new TextEncoder().encode(passphrase.trim().normalize('NFKC')), salt, { N: 1 << 15, r: 8, p: 1, dkLen: 32 });
  const key = await subtle.importKey('raw', new Uint8Array(derived), 'AES-GCM', false, ['decrypt']);
  derived.fill(0);
  // WebCrypto takes the tag after the ciphertext.
  const body = new Uint8Array(ciphertext.length + tag.length);
  body.set(ciphertext, 0);
  body.set(tag, ciphertext.length);
  try {
    const plain = await subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: MAGIC, tagLength: 128 }, key, body);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new PackageOpenError('wrong_passphrase');
  }
}
