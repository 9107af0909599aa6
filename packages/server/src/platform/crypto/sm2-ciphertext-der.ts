import { children, encodeTlv, encodeUnsignedInteger, readOnly } from './der-reader.js';
import { toBigInt, toBytes32 } from './sm2-curve.js';

/**
 * The ASN.1 form of an SM2 ciphertext (GB/T 35276, what OpenSSL's `pkeyutl -encrypt` writes):
 * SEQUENCE { x INTEGER, y INTEGER, C3 OCTET STRING, C2 OCTET STRING }, to and from C1‖C3‖C2.
 */
export function sm2CiphertextFromDer(der: Buffer): Buffer {
  const [x, y, c3, c2, extra] = children(readOnly(der, 0x30, 'an SM2 ciphertext'));
  if (!x || !y || !c3 || !c2 || extra || x.tag !== 0x02 || y.tag !== 0x02 || c3.tag !== 0x04 || c2.tag !== 0x04 || c3.value.length !== 32)
    throw new Error('DER: not an SM2 ciphertext');
  const coordinate = (v: Buffer): Buffer => {
    if (v.length > 33 || (v.length === 33 && v[0] !== 0) || ((v[0] as number) & 0x80) !== 0) throw new Error('DER: bad SM2 coordinate');
    return toBytes32(toBigInt(v));
  };
  return Buffer.concat([Buffer.from([0x04]), coordinate(x.value), coordinate(y.value), c3.value, c2.value]);
}

export function sm2CiphertextToDer(c1c3c2: Buffer): Buffer {
  return encodeTlv(
    0x30,
    Buffer.concat([
      encodeUnsignedInteger(c1c3c2.subarray(1, 33)),
      encodeUnsignedInteger(c1c3c2.subarray(33, 65)),
      encodeTlv(0x04, c1c3c2.subarray(65, 97)),
      encodeTlv(0x04, c1c3c2.subarray(97)),
    ]),
  );
}
