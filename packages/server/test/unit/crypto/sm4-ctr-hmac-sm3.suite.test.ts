import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../../src/platform/crypto/integrity-error.js';
import { sm4CtrHmacSm3Suite as gm } from '../../../src/platform/crypto/sm4-ctr-hmac-sm3.suite.js';

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');

function sm4EcbBlock(key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv('sm4-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

describe('SM3 (GB/T 32905-2016 vectors)', () => {
  it('"abc"', () => {
    expect(gm.hash('abc').toString('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
  it('"abcd" x 16 (64 bytes)', () => {
    expect(gm.hash(Buffer.from('abcd'.repeat(16))).toString('hex')).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });
});

describe('SM4 (GB/T 32907-2016 vector)', () => {
  it('single block ECB: key = plaintext = 0123456789abcdeffedcba9876543210', () => {
    const k = h('0123456789abcdeffedcba9876543210');
    expect(sm4EcbBlock(k, k).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it("the suite's CTR keystream is standard CTR: block i = SM4-ECB(encKey, IV + i)", () => {
    const key = Buffer.concat([h('0123456789abcdeffedcba9876543210'), Buffer.alloc(16, 0xaa)]);
    const { nonce, ciphertext } = gm.seal(key, Buffer.alloc(32), Buffer.alloc(0)); // ct = keystream
    const encKey = key.subarray(0, 16);
    expect(ciphertext.subarray(0, 16).toString('hex')).toBe(sm4EcbBlock(encKey, nonce).toString('hex'));
    const next = Buffer.from(nonce);
    for (let i = 15; i >= 0; i--) {
      next[i] = ((next[i] ?? 0) + 1) & 0xff;
      if (next[i] !== 0) break;
    }
    expect(ciphertext.subarray(16, 32).toString('hex')).toBe(sm4EcbBlock(encKey, next).toString('hex'));
  });
});

describe('sm4CtrHmacSm3Suite', () => {
  const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  const aad = Buffer.from('contacts\0email\0row-1');

  it('has the documented parameters', () => {
    expect(gm).toMatchObject({ id: 'gm', code: 2, nonceLength: 16, tagLength: 32 });
  });

  it('tag = HMAC-SM3(key[16..32], uint32BE(|aad|) || aad || nonce || ciphertext)', () => {
    const { nonce, ciphertext, tag } = gm.seal(key, Buffer.from('hello'), aad);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(aad.length);
    const expected = createHmac('sm3', key.subarray(16))
      .update(Buffer.concat([len, aad, nonce, ciphertext]))
      .digest();
    expect(tag.toString('hex')).toBe(expected.toString('hex'));
    expect(tag).toHaveLength(32);
  });

  it('mac is HMAC-SM3 and hash is SM3', () => {
    expect(gm.mac(Buffer.from('k'), 'data').toString('hex')).toBe(createHmac('sm3', 'k').update('data').digest('hex'));
    expect(gm.hash('x').toString('hex')).toBe(createHash('sm3').update('x').digest('hex'));
  });

  it('round-trips, including empty and multi-block plaintexts', () => {
    for (const pt of ['', 'a', '张伟 13800138000', 'y'.repeat(1000)]) {
      const parts = gm.seal(key, Buffer.from(pt), aad);
      expect(parts.nonce).toHaveLength(16);
      expect(gm.open(key, parts, aad).toString()).toBe(pt);
    }
  });

  it('rejects any modification, wrong key halves and wrong AAD with IntegrityError', () => {
    const parts = gm.seal(key, Buffer.from('secret value'), aad);
    const flipped = (b: Buffer, i: number): Buffer => {
      const c = Buffer.from(b);
      c[i] = (c[i] ?? 0) ^ 0x80;
      return c;
    };
    for (const field of ['nonce', 'ciphertext', 'tag'] as const) {
      for (let i = 0; i < parts[field].length; i++) {
        expect(() => gm.open(key, { ...parts, [field]: flipped(parts[field], i) }, aad)).toThrow(IntegrityError);
      }
    }
    expect(() => gm.open(key, parts, flipped(aad, 0))).toThrow(IntegrityError);
    expect(() => gm.open(Buffer.alloc(32, 9), parts, aad)).toThrow(IntegrityError);
    expect(() => gm.open(flipped(key, 20), parts, aad)).toThrow(IntegrityError); // MAC half
    expect(() => gm.open(key, { ...parts, tag: parts.tag.subarray(0, 16) }, aad)).toThrow(IntegrityError);
  });

  it('requires a 32-byte key (plain Error)', () => {
    expect(() => gm.seal(Buffer.alloc(16), Buffer.from('x'), aad)).toThrow(/32 bytes/);
    expect(() => gm.seal(Buffer.alloc(16), Buffer.from('x'), aad)).not.toThrow(IntegrityError);
  });

  it('10 000 seals give 10 000 distinct nonces that stay intact after pool refills', () => {
    const nonces: Buffer[] = [];
    for (let i = 0; i < 10_000; i++) nonces.push(gm.seal(key, Buffer.from('v'), Buffer.alloc(0)).nonce);
    expect(new Set(nonces.map((n) => n.toString('hex'))).size).toBe(10_000);
  });
});
