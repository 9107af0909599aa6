/**
 * A cipher suite: authenticated encryption, hashing and MAC under one family of algorithms.
 * `intl`: AES-256-GCM, SHA-256, HMAC-SHA-256.
 * `gm` (国密): SM4-CTR + HMAC-SM3 (encrypt-then-MAC), SM3, HMAC-SM3.
 * Keys are always 32 bytes; how a suite uses them is its own business (documented in docs/SECURITY.md).
 */
export type SuiteId = 'intl' | 'gm';

export interface SealedParts {
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export interface CipherSuite {
  readonly id: SuiteId;
  /** One byte stored in every envelope: 1 = intl, 2 = gm. */
  readonly code: number;
  readonly nonceLength: number;
  readonly tagLength: number;
  /** Encrypts with a fresh random nonce; `aad` is authenticated, not stored. */
  seal(key: Buffer, plaintext: Buffer, aad: Buffer): SealedParts;
  /** Verifies and decrypts; throws IntegrityError when anything (key, aad, bytes) does not match. */
  open(key: Buffer, parts: SealedParts, aad: Buffer): Buffer;
  hash(data: Buffer | string): Buffer;
  mac(key: Buffer, data: Buffer | string): Buffer;
}
