/** A minimal DER reader for the few fixed structures Castellan parses itself (SM2 keys and ciphertexts). */
export interface Tlv {
  tag: number;
  value: Buffer;
  /** Offset just past this element in the buffer it was read from. */
  next: number;
}

export function readTlv(buf: Buffer, offset = 0): Tlv {
  if (offset + 2 > buf.length) throw new Error('DER: truncated');
  const tag = buf[offset] as number;
  let length = buf[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets < 1 || octets > 3 || start + octets > buf.length) throw new Error('DER: bad length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (buf[start + i] as number);
    start += octets;
  }
  if (start + length > buf.length) throw new Error('DER: truncated');
  return { tag, value: buf.subarray(start, start + length), next: start + length };
}

/** The elements of a constructed value, in order. */
export function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = 0; offset < value.length; ) {
    const tlv = readTlv(value, offset);
    out.push(tlv);
    offset = tlv.next;
  }
  return out;
}

/** One whole DER element with `tag`, nothing after it. */
export function readOnly(buf: Buffer, tag: number, what: string): Buffer {
  const tlv = readTlv(buf);
  if (tlv.tag !== tag || tlv.next !== buf.length) throw new Error(`DER: not ${what}`);
  return tlv.value;
}

const lengthBytes = (n: number): Buffer => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));

export const encodeTlv = (tag: number, value: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), lengthBytes(value.length), value]);

/** A non-negative INTEGER from big-endian bytes (leading zeros dropped, a 00 added when the top bit is set). */
export function encodeUnsignedInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return encodeTlv(0x02, (trimmed[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}
