import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/modules/subject-data/package-content.js';
import { newPassphrase, openPackage, sealPackage } from '../../src/modules/subject-data/package-crypto.js';

describe('access package encryption (scrypt + AES-256-GCM)', () => {
  const plain = Buffer.from('{"records":{"contacts":[{"email":"li.na@example.cn"}]}}');

  it('opens with its passphrase and with nothing else', () => {
    const passphrase = newPassphrase();
    const sealed = sealPackage(passphrase, plain);
    expect(sealed.includes(Buffer.from('li.na@example.cn'))).toBe(false);
    expect(openPackage(passphrase, sealed).equals(plain)).toBe(true);
    expect(() => openPackage(newPassphrase(), sealed)).toThrow();
  });

  it.each([
    ['a flipped ciphertext byte', (b: Buffer) => b.length - 1],
    ['a flipped tag byte', () => 40],
    ['a flipped salt byte', () => 10],
    ['a flipped nonce byte', () => 30],
  ])('refuses %s', (_, at) => {
    const passphrase = newPassphrase();
    const sealed = Buffer.from(sealPackage(passphrase, plain));
    const i = at(sealed);
    sealed[i] = (sealed[i] ?? 0) ^ 1;
    expect(() => openPackage(passphrase, sealed)).toThrow();
  });

  it('refuses what is not a package', () => {
    expect(() => openPackage('x', Buffer.from('not a package at all, just some bytes here to be long enough'))).toThrow('not an access package');
  });

  it('makes a fresh salt, nonce and passphrase each time', () => {
    const a = newPassphrase();
    expect(a).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){5}$/);
    expect(newPassphrase()).not.toBe(a);
    expect(sealPackage(a, plain).equals(sealPackage(a, plain))).toBe(false);
  });
});

describe('CSV of a table', () => {
  it.each([
    [[{ a: 'plain', b: 2 }], '"a","b"\r\n"plain","2"'],
    [[{ a: 'say "hi"' }], '"a"\r\n"say ""hi"""'],
    [[{ a: '=HYPERLINK("x")' }], `"a"\r\n"'=HYPERLINK(""x"")"`],
    [[{ a: '+86 139' }, { a: '-1', b: null }], `"a","b"\r\n"'+86 139",\r\n"'-1",`],
    [[{ a: '@cmd' }], `"a"\r\n"'@cmd"`],
    [[{ a: { nested: true } }], '"a"\r\n"{""nested"":true}"'],
  ])('%j', (rows, csv) => {
    expect(toCsv(rows)).toBe(csv);
  });
});
