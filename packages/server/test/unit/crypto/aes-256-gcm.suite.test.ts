import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aes256GcmSuite } from '../../../src/platform/crypto/aes-256-gcm.suite.js';
import { IntegrityError } from '../../../src/platform/crypto/integrity-error.js';

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B (AES-256, 96-bit IV).
const K_FEFF = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const P64 = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' + '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const C64 = '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' + '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';
const VECTORS = [
  {
    name: 'Test Case 14 (zero key, one zero block)',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    aad: '',
    pt: '00'.repeat(16),
    ct: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    name: 'Test Case 15 (64-byte plaintext)',
    key: K_FEFF,
    iv: 'cafebabefacedbaddecaf888',
    aad: '',
    pt: P64,
    ct: C64,
    tag: 'b094dac5d93471bdec1a502270e3cc6c',
  },
  {
    name: 'Test Case 16 (60-byte plaintext, 20-byte AAD)',
    key: K_FEFF,
    iv: 'cafebabefacedbaddecaf888',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    pt: P64.slice(0, 120),
    ct: C64.slice(0, 120),
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('aes256GcmSuite', () => {
  it('has the documented parameters', () => {
    expect(aes256GcmSuite).toMatchObject({ id: 'intl', code: 1, nonceLength: 12, tagLength: 16 });
  });

  for (const v of VECTORS) {
    it(`GCM spec ${v.name}: node:crypto with the fixed IV produces the published C and T`, () => {
      const cipher = createCipheriv('aes-256-gcm', h(v.key), h(v.iv), { authTagLength: 16 });
      cipher.setAAD(h(v.aad));
      const ct = Buffer.concat([cipher.update(h(v.pt)), cipher.final()]);
      expect(ct.toString('hex')).toBe(v.ct);
      expect(cipher.getAuthTag().toString('hex')).toBe(v.tag);
    });

    it(`GCM spec ${v.name}: suite.open of the published (IV, C, T, A) returns P`, () => {
      const parts = { nonce: h(v.iv), ciphertext: h(v.ct), tag: h(v.tag) };
      expect(aes256GcmSuite.open(h(v.key), parts, h(v.aad)).toString('hex')).toBe(v.pt);
    });
  }

  it('rejects the Test Case 16 vector when one tag / AAD / ciphertext bit is flipped', () => {
    const v = VECTORS[2]!;
    const flip = (hex: string, i: number): Buffer => {
      const b = h(hex);
      b[i] = (b[i] ?? 0) ^ 1;
      return b;
    };
    const key = h(v.key);
    expect(() => aes256GcmSuite.open(key, { nonce: h(v.iv), ciphertext: h(v.ct), tag: flip(v.tag, 15) }, h(v.aad))).toThrow(IntegrityError);
    expect(() => aes256GcmSuite.open(key, { nonce: h(v.iv), ciphertext: flip(v.ct, 0), tag: h(v.tag) }, h(v.aad))).toThrow(IntegrityError);
    expect(() => aes256GcmSuite.open(key, { nonce: h(v.iv), ciphertext: h(v.ct), tag: h(v.tag) }, flip(v.aad, 19))).toThrow(IntegrityError);
    expect(() => aes256GcmSuite.open(key, { nonce: flip(v.iv, 11), ciphertext: h(v.ct), tag: h(v.tag) }, h(v.aad))).toThrow(IntegrityError);
  });

  it('refuses truncated tags and wrong nonce lengths with IntegrityError', () => {
    const v = VECTORS[2]!;
    const parts = { nonce: h(v.iv), ciphertext: h(v.ct), tag: h(v.tag).subarray(0, 12) };
    expect(() => aes256GcmSuite.open(h(v.key), parts, h(v.aad))).toThrow(IntegrityError);
    const shortNonce = { nonce: h(v.iv).subarray(0, 8), ciphertext: h(v.ct), tag: h(v.tag) };
    expect(() => aes256GcmSuite.open(h(v.key), shortNonce, h(v.aad))).toThrow(IntegrityError);
  });

  it('requires a 32-byte key (plain Error, not IntegrityError)', () => {
    const bad = Buffer.alloc(16);
    let caught: unknown;
    try {
      aes256GcmSuite.seal(bad, Buffer.from('x'), Buffer.alloc(0));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).not.toBeInstanceOf(IntegrityError);
    expect(() => aes256GcmSuite.open(bad, { nonce: Buffer.alloc(12), ciphertext: Buffer.alloc(1), tag: Buffer.alloc(16) }, Buffer.alloc(0))).toThrow(
      /32 bytes/,
    );
  });

  it('round-trips with AAD, including empty plaintext', () => {
    const key = Buffer.alloc(32, 7);
    const aad = Buffer.from('ctx');
    for (const pt of ['', 'hello', '张伟 ✓', 'x'.repeat(5000)]) {
      const parts = aes256GcmSuite.seal(key, Buffer.from(pt), aad);
      expect(parts.nonce).toHaveLength(12);
      expect(parts.tag).toHaveLength(16);
      expect(aes256GcmSuite.open(key, parts, aad).toString()).toBe(pt);
    }
  });

  it('SHA-256 of "abc" (FIPS 180-2)', () => {
    expect(aes256GcmSuite.hash('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('HMAC-SHA-256: RFC 4231 test case 2', () => {
    expect(aes256GcmSuite.mac(Buffer.from('Jefe'), 'what do ya want for nothing?').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('10 000 seals give 10 000 distinct nonces that stay intact after pool refills', () => {
    const key = Buffer.alloc(32, 1);
    const nonces: Buffer[] = [];
    for (let i = 0; i < 10_000; i++) nonces.push(aes256GcmSuite.seal(key, Buffer.from('v'), Buffer.alloc(0)).nonce);
    // Hex is taken only after all seals: a nonce aliasing the pool would have been overwritten by now.
    const distinct = new Set(nonces.map((n) => n.toString('hex')));
    expect(distinct.size).toBe(10_000);
    expect(distinct.has('00'.repeat(12))).toBe(false);
  });
});
