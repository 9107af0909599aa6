import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IntegrityError } from './integrity-error.js';
import { baseMultiply, decodePoint, multiply, SM2, toBigInt, toBytes32 } from './sm2-curve.js';

/**
 * SM2 public-key encryption (GB/T 32918.4): C1 = [k]G, (x2, y2) = [k]P_B, t = KDF(x2‖y2, |M|) with
 * SM3, C2 = M ⊕ t, C3 = SM3(x2‖M‖y2); the ciphertext is C1‖C3‖C2 (C1 uncompressed, 65 bytes).
 * Decryption refuses a C1 off the curve (or the point at infinity), an all-zero t and a C3 that does
 * not match, all as an IntegrityError that says nothing about the plaintext.
 */
const C1_BYTES = 65;
const C3_BYTES = 32;

const sm3 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sm3');
  for (const p of parts) h.update(p);
  return h.digest();
};

function kdf(z: Buffer, length: number): Buffer {
  const out = Buffer.alloc(Math.ceil(length / 32) * 32);
  for (let i = 0; i * 32 < length; i++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i + 1);
    sm3(z, counter).copy(out, i * 32);
  }
  return out.subarray(0, length);
}

const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((v, i) => v ^ (b[i] as number)));
const allZero = (b: Buffer): boolean => b.every((v) => v === 0);

function randomScalar(): Buffer {
  for (;;) {
    const k = randomBytes(32);
    const v = toBigInt(k);
    if (v >= 1n && v <= SM2.n - 2n) return k;
  }
}

function encryptWith(publicPoint: Buffer, message: Buffer, nextK: () => Buffer): Buffer {
  if (message.length === 0) throw new Error('SM2: nothing to encrypt');
  decodePoint(publicPoint);
  for (;;) {
    const k = nextK();
    const c1 = baseMultiply(k);
    const p2 = multiply(k, publicPoint);
    k.fill(0);
    const x2 = toBytes32(p2.x);
    const y2 = toBytes32(p2.y);
    const t = kdf(Buffer.concat([x2, y2]), message.length);
    if (allZero(t)) continue;
    return Buffer.concat([c1, sm3(x2, message, y2), xor(message, t)]);
  }
}

/** Encrypts `message` to an SM2 public key (uncompressed point 04‖x‖y): C1‖C3‖C2. */
export const sm2Encrypt = (publicPoint: Buffer, message: Buffer): Buffer => encryptWith(publicPoint, message, randomScalar);

/** Only for the standard's worked example: encryption with a given k. Never use a fixed k otherwise. */
export function sm2EncryptWithNonceForTest(publicPoint: Buffer, message: Buffer, k: Buffer): Buffer {
  let used = false;
  return encryptWith(publicPoint, message, () => {
    if (used) throw new Error('the test nonce gave an all-zero KDF output');
    used = true;
    return Buffer.from(k);
  });
}

/** Decrypts C1‖C3‖C2 with the private scalar d; any altered, truncated or foreign ciphertext throws an IntegrityError. */
export function sm2Decrypt(privateScalar: Buffer, ciphertext: Buffer): Buffer {
  if (ciphertext.length <= C1_BYTES + C3_BYTES) throw new IntegrityError('SM2: the ciphertext is too short');
  const c1 = ciphertext.subarray(0, C1_BYTES);
  const c3 = ciphertext.subarray(C1_BYTES, C1_BYTES + C3_BYTES);
  const c2 = ciphertext.subarray(C1_BYTES + C3_BYTES);
  let p2: { x: bigint; y: bigint };
  try {
    decodePoint(c1);
    p2 = multiply(privateScalar, c1);
  } catch {
    throw new IntegrityError('SM2: C1 is not a point on the curve');
  }
  const x2 = toBytes32(p2.x);
  const y2 = toBytes32(p2.y);
  const t = kdf(Buffer.concat([x2, y2]), c2.length);
  if (allZero(t)) throw new IntegrityError('SM2: the ciphertext does not open');
  const message = xor(c2, t);
  if (!timingSafeEqual(sm3(x2, message, y2), c3)) {
    message.fill(0);
    throw new IntegrityError('SM2: the ciphertext does not open (C3 does not match)');
  }
  return message;
}
