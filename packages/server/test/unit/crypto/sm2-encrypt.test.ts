import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IntegrityError } from '../../../src/platform/crypto/integrity-error.js';
import { openWithSm2Key, sealToSm2Key } from '../../../src/platform/crypto/sealed-to-sm2-key.js';
import { sm2CiphertextFromDer, sm2CiphertextToDer } from '../../../src/platform/crypto/sm2-ciphertext-der.js';
import { sm2Decrypt, sm2Encrypt, sm2EncryptWithNonceForTest } from '../../../src/platform/crypto/sm2-encrypt.js';
import { parseSm2PrivateKeyPem, parseSm2PublicKeyPem, sm2KeyId } from '../../../src/platform/crypto/sm2-keys.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// GB/T 32918.5-2017 / GM/T 0003.5 encryption example on the recommended curve (also in OpenSSL's and openHiTLS's tests).
const D = hex('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8');
const PUBLIC = hex('04 09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020 CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13');
const K = hex('59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21');
const MESSAGE = Buffer.from('encryption standard', 'utf8');
const CIPHERTEXT = hex(
  '04 04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73 E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0' +
    '59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766' +
    '21886CA989CA9C7D58087307CA93092D651EFA',
);

describe('SM2 encryption (GB/T 32918.4)', () => {
  it('reproduces the standard’s worked example and decrypts it', () => {
    expect(sm2EncryptWithNonceForTest(PUBLIC, MESSAGE, K).toString('hex')).toBe(CIPHERTEXT.toString('hex'));
    expect(sm2Decrypt(D, CIPHERTEXT).toString('utf8')).toBe('encryption standard');
  });

  it('refuses every flipped bit, a truncation and a C1 off the curve', () => {
    for (let bit = 0; bit < CIPHERTEXT.length * 8; bit += 7) {
      const bad = Buffer.from(CIPHERTEXT);
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(() => sm2Decrypt(D, bad)).toThrow(IntegrityError);
    }
    expect(() => sm2Decrypt(D, CIPHERTEXT.subarray(0, 97))).toThrow(IntegrityError);
    const infinity = Buffer.concat([Buffer.alloc(65), CIPHERTEXT.subarray(65)]);
    expect(() => sm2Decrypt(D, infinity)).toThrow(/not a point on the curve/);
  });

  it('round-trips random messages with fresh nonces', () => {
    const a = sm2Encrypt(PUBLIC, Buffer.from('x'.repeat(100)));
    const b = sm2Encrypt(PUBLIC, Buffer.from('x'.repeat(100)));
    expect(a.equals(b)).toBe(false);
    expect(sm2Decrypt(D, a).toString()).toBe('x'.repeat(100));
  });
});

describe('SM2 interop with the system OpenSSL', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'castellan-sm2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (n: string) => path.join(dir, n);
  execFileSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', file('k.pem')]);
  execFileSync('openssl', ['pkey', '-in', file('k.pem'), '-pubout', '-out', file('pub.pem')]);
  const priv = parseSm2PrivateKeyPem(readFileSync(file('k.pem'), 'utf8'));
  const pub = parseSm2PublicKeyPem(readFileSync(file('pub.pem'), 'utf8'));

  it('reads OpenSSL’s PEM keys; the private key’s public point is the public file’s', () => {
    expect(priv.publicKey.point.equals(pub.point)).toBe(true);
    const spkiDer = execFileSync('openssl', ['pkey', '-pubin', '-in', file('pub.pem'), '-outform', 'DER']);
    expect(sm2KeyId(pub)).toBe(createHash('sha256').update(spkiDer).digest('hex').slice(0, 16));
  });

  it('decrypts what openssl pkeyutl -encrypt wrote', () => {
    writeFileSync(file('m'), 'a backup key, 32 bytes long....!');
    execFileSync('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', file('pub.pem'), '-in', file('m'), '-out', file('c')]);
    const c1c3c2 = sm2CiphertextFromDer(readFileSync(file('c')));
    expect(sm2Decrypt(priv.scalar, c1c3c2).toString()).toBe('a backup key, 32 bytes long....!');
  });

  it('writes what openssl pkeyutl -decrypt opens', () => {
    writeFileSync(file('c2'), sm2CiphertextToDer(sm2Encrypt(pub.point, Buffer.from('sealed by Castellan'))));
    expect(execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', file('k.pem'), '-in', file('c2')]).toString()).toBe('sealed by Castellan');
  });

  it('refuses other keys', () => {
    execFileSync('openssl', ['genpkey', '-algorithm', 'X25519', '-out', file('x.pem')]);
    expect(() => parseSm2PrivateKeyPem(readFileSync(file('x.pem'), 'utf8'))).toThrow(/not an SM2 private key/);
    expect(() => parseSm2PublicKeyPem('garbage')).toThrow(/not a PEM public key/);
  });

  it('seals to a key with a label: another label or another key does not open', () => {
    const sealed = sealToSm2Key(pub, Buffer.from('k'.repeat(32)), 'castellan:backup-key:a');
    expect(openWithSm2Key(priv, sealed, 'castellan:backup-key:a').toString()).toBe('k'.repeat(32));
    expect(() => openWithSm2Key(priv, sealed, 'castellan:backup-key:b')).toThrow(/another use/);
    const other = parseSm2PrivateKeyPem(execFileSync('openssl', ['genpkey', '-algorithm', 'SM2']).toString());
    expect(() => openWithSm2Key(other, sealed, 'castellan:backup-key:a')).toThrow(new RegExp(`sealed to key ${sealed.recipient}`));
  });
});
