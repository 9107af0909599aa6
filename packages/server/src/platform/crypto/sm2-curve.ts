import { createECDH } from 'node:crypto';

/**
 * The SM2 curve (GB/T 32918.5, the recommended 256-bit prime curve) and the little point arithmetic
 * SM2 encryption needs beyond what Node gives. Node (OpenSSL) multiplies: `createECDH('SM2')` gives
 * [k]G and the x coordinate of [k]P. The y coordinate of [k]P is recovered here by a square root
 * (p ≡ 3 mod 4) and told apart from its negation by comparing [k]P + P with OpenSSL's x of [k+1]P,
 * so secret scalars are only ever multiplied inside OpenSSL; the BigInt work is on the results.
 */
export const SM2 = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
} as const;

export interface Point {
  x: bigint;
  y: bigint;
}

const mod = (v: bigint, m: bigint = SM2.p): bigint => ((v % m) + m) % m;

function powMod(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

const inverse = (v: bigint): bigint => powMod(v, SM2.p - 2n, SM2.p);

export const toBigInt = (bytes: Buffer): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`));
export const toBytes32 = (v: bigint): Buffer => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');

const rhs = (x: bigint): bigint => mod(x * x * x + SM2.a * x + SM2.b);

export const isOnCurve = (pt: Point): boolean => pt.x >= 0n && pt.x < SM2.p && pt.y >= 0n && pt.y < SM2.p && mod(pt.y * pt.y) === rhs(pt.x);

/** An uncompressed point 04‖x‖y on the curve; anything else (the point at infinity, a compressed or off-curve point) throws. */
export function decodePoint(bytes: Buffer): Point {
  if (bytes.length !== 65 || bytes[0] !== 0x04) throw new Error('not an uncompressed SM2 point (04‖x‖y)');
  const pt = { x: toBigInt(bytes.subarray(1, 33)), y: toBigInt(bytes.subarray(33, 65)) };
  if (!isOnCurve(pt)) throw new Error('the point is not on the SM2 curve');
  return pt;
}

export const encodePoint = (pt: Point): Buffer => Buffer.concat([Buffer.from([0x04]), toBytes32(pt.x), toBytes32(pt.y)]);

/** P + Q in affine coordinates (doubling when equal); null is the point at infinity. */
function add(p: Point, q: Point): Point | null {
  if (p.x === q.x) {
    if (mod(p.y + q.y) === 0n) return null;
    const l = mod((3n * p.x * p.x + SM2.a) * inverse(2n * p.y));
    const x = mod(l * l - 2n * p.x);
    return { x, y: mod(l * (p.x - x) - p.y) };
  }
  const l = mod((q.y - p.y) * inverse(q.x - p.x));
  const x = mod(l * l - p.x - q.x);
  return { x, y: mod(l * (p.x - x) - p.y) };
}

/** A scalar in [1, n-2] as 32 bytes (so that scalar + 1 is a scalar too). */
export function checkScalar(scalar: Buffer): bigint {
  const v = toBigInt(scalar);
  if (scalar.length !== 32 || v < 1n || v > SM2.n - 2n) throw new Error('the SM2 scalar is out of range [1, n-2]');
  return v;
}

/** [k]G, uncompressed, computed by OpenSSL. */
export function baseMultiply(scalar: Buffer): Buffer {
  checkScalar(scalar);
  const ecdh = createECDH('SM2');
  ecdh.setPrivateKey(scalar);
  return ecdh.getPublicKey(null, 'uncompressed');
}

const xOfProduct = (scalar: Buffer, point: Buffer): bigint => {
  const ecdh = createECDH('SM2');
  ecdh.setPrivateKey(scalar);
  return toBigInt(ecdh.computeSecret(point));
};

/** [k]P as a full point: OpenSSL's x of [k]P, y by square root, the sign chosen by [k]P + P = [k+1]P. */
export function multiply(scalar: Buffer, pointBytes: Buffer): Point {
  const k = checkScalar(scalar);
  const pt = decodePoint(pointBytes);
  const x = xOfProduct(scalar, pointBytes);
  const next = xOfProduct(toBytes32(k + 1n), pointBytes);
  const y = powMod(rhs(x), (SM2.p + 1n) / 4n, SM2.p);
  if (mod(y * y) !== rhs(x)) throw new Error('SM2: no point with this x coordinate');
  for (const candidate of [y, mod(-y)]) {
    const sum = add({ x, y: candidate }, pt);
    if (sum && sum.x === next) return { x, y: candidate };
  }
  throw new Error('SM2: the product point could not be recovered');
}
