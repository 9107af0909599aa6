import { createHash } from 'node:crypto';
import { children, readOnly } from './der-reader.js';
import { baseMultiply, checkScalar, decodePoint } from './sm2-curve.js';

/**
 * SM2 keys in the PEM files OpenSSL writes (`openssl genpkey -algorithm SM2 -out k.pem`, `openssl
 * pkey -in k.pem -pubout`): PKCS#8 and SPKI with id-ecPublicKey and the SM2 curve OID
 * 1.2.156.10197.1.301. Node cannot import them as KeyObjects, so they are read here into the raw
 * private scalar and the uncompressed public point; any other key is refused with a clear error.
 */
export interface Sm2PublicKey {
  kind: 'sm2-public';
  /** 04‖x‖y, on the curve. */
  point: Buffer;
}

export interface Sm2PrivateKey {
  kind: 'sm2-private';
  /** d, 32 bytes, in [1, n-2]. */
  scalar: Buffer;
  publicKey: Sm2PublicKey;
}

const SEQUENCE = 0x30;
const ID_EC_PUBLIC_KEY = Buffer.from('06072a8648ce3d0201', 'hex');
const SM2_CURVE = Buffer.from('06082a811ccf5501822d', 'hex');
const ALGORITHM = Buffer.concat([Buffer.from([SEQUENCE, ID_EC_PUBLIC_KEY.length + SM2_CURVE.length]), ID_EC_PUBLIC_KEY, SM2_CURVE]);

function pemBody(pem: string, label: string): Buffer | null {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  return match ? Buffer.from((match[1] as string).replace(/\s+/g, ''), 'base64') : null;
}

const hasSm2Algorithm = (der: Buffer): boolean => der.includes(ALGORITHM);

/** Whether a PEM holds an SM2 key (public or private), so that callers can pick the parser. */
export function isSm2Pem(pem: string): boolean {
  const der = pemBody(pem, 'PUBLIC KEY') ?? pemBody(pem, 'PRIVATE KEY');
  return !!der && hasSm2Algorithm(der);
}

/** The SPKI DER of an SM2 public key. */
export const sm2Spki = (key: Sm2PublicKey): Buffer => {
  const bitString = Buffer.concat([Buffer.from([0x03, 0x42, 0x00]), key.point]);
  return Buffer.concat([Buffer.from([SEQUENCE, ALGORITHM.length + bitString.length]), ALGORITHM, bitString]);
};

/** A short stable name of an SM2 public key: SHA-256 of its SPKI DER, first 16 hex digits (as for X25519 keys). */
export const sm2KeyId = (key: Sm2PublicKey): string => createHash('sha256').update(sm2Spki(key)).digest('hex').slice(0, 16);

export function parseSm2PublicKeyPem(pem: string): Sm2PublicKey {
  const der = pemBody(pem, 'PUBLIC KEY');
  if (!der) throw new Error('not a PEM public key (-----BEGIN PUBLIC KEY-----)');
  try {
    const [algorithm, bits, extra] = children(readOnly(der, SEQUENCE, 'an SPKI'));
    if (!algorithm || !bits || extra || algorithm.tag !== SEQUENCE) throw new Error('not an SPKI');
    if (!Buffer.concat([Buffer.from([SEQUENCE, algorithm.value.length]), algorithm.value]).equals(ALGORITHM)) throw new Error('wrong algorithm');
    if (bits.tag !== 0x03 || bits.value[0] !== 0) throw new Error('bad bit string');
    const point = Buffer.from(bits.value.subarray(1));
    decodePoint(point);
    return { kind: 'sm2-public', point };
  } catch {
    throw new Error('not an SM2 public key (SPKI with id-ecPublicKey and curve 1.2.156.10197.1.301, uncompressed point on the curve)');
  }
}

export function parseSm2PrivateKeyPem(pem: string): Sm2PrivateKey {
  const der = pemBody(pem, 'PRIVATE KEY');
  if (!der) throw new Error('not an unencrypted PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)');
  try {
    const [version, algorithm, octets] = children(readOnly(der, SEQUENCE, 'a PKCS#8 key'));
    if (!version || !algorithm || !octets || version.tag !== 0x02 || version.value.length !== 1 || (version.value[0] as number) > 1)
      throw new Error('bad PKCS#8');
    if (!Buffer.concat([Buffer.from([SEQUENCE, algorithm.value.length]), algorithm.value]).equals(ALGORITHM)) throw new Error('wrong algorithm');
    if (octets.tag !== 0x04) throw new Error('bad PKCS#8');
    const [ecVersion, d, ...rest] = children(readOnly(octets.value, SEQUENCE, 'an ECPrivateKey'));
    if (!ecVersion || !d || ecVersion.tag !== 0x02 || !ecVersion.value.equals(Buffer.from([1])) || d.tag !== 0x04 || d.value.length !== 32)
      throw new Error('bad ECPrivateKey');
    const scalar = Buffer.from(d.value);
    checkScalar(scalar);
    const point = baseMultiply(scalar);
    const embedded = rest.find((t) => t.tag === 0xa1);
    if (embedded) {
      const bits = readOnly(embedded.value, 0x03, 'a bit string');
      if (bits[0] !== 0 || !bits.subarray(1).equals(point)) throw new Error('the embedded public key does not match');
    }
    return { kind: 'sm2-private', scalar, publicKey: { kind: 'sm2-public', point } };
  } catch {
    throw new Error('not an SM2 private key (PKCS#8 with id-ecPublicKey and curve 1.2.156.10197.1.301, d in [1, n-2])');
  }
}
