import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicKeyId } from '../../src/platform/audit/signing-key-id.js';
import { SigningKeyTrust, trustFrom, UntrustedSigningKey } from '../../src/platform/audit/signing-keys.js';

const pair = () => generateKeyPairSync('ed25519').publicKey;
const [k1, k2, k3, stranger] = [pair(), pair(), pair(), pair()];
const id = publicKeyId;

describe('the audit signing key trust list', () => {
  const trust = trustFrom(
    [
      { version: 1, publicKey: k1 },
      { version: 2, publicKey: k2 },
      { version: 3, publicKey: k3 },
    ],
    [{ version: 2, revoked_at: '2026-12-04T01:00:00.000Z' }],
  );

  it.each([
    // key, resolve (trusted only), resolveEvenRevoked, trusts, unvouched reason
    { name: 'superseded v1', key: k1, strict: 'ok', lenient: 'ok', trusts: true, unvouched: false },
    { name: 'revoked v2', key: k2, strict: /revoked as compromised at 2026-12-04T01:00:00.000Z/, lenient: 'ok', trusts: false, unvouched: true },
    { name: 'current v3', key: k3, strict: 'ok', lenient: 'ok', trusts: true, unvouched: false },
    { name: 'a stranger', key: stranger, strict: /not one of this installation's audit keys/, lenient: /not one of/, trusts: false, unvouched: false },
  ])('$name', ({ key, strict, lenient, trusts, unvouched }) => {
    const check = (resolve: typeof trust.resolve, expected: 'ok' | RegExp) => {
      if (expected === 'ok') expect(resolve(id(key), 'x')).toBe(key);
      else expect(() => resolve(id(key), 'x')).toThrow(UntrustedSigningKey);
      if (expected !== 'ok') expect(() => resolve(id(key), 'x')).toThrow(expected);
    };
    check(trust.resolve, strict);
    check(trust.resolveEvenRevoked, lenient);
    expect(trust.trusts(id(key))).toBe(trusts);
    expect(Boolean(trust.unvouched(id(key), 'backup 7'))).toBe(unvouched);
  });

  it('signs with the newest trusted key, and lists every key in its PEM file, oldest first', () => {
    expect(trust.current.keyId).toBe(id(k3));
    const again = SigningKeyTrust.fromPem(trust.toPem());
    expect(again.entries.map((e) => e.keyId)).toEqual([id(k1), id(k2), id(k3)]);
    // A PEM file carries no revocation: every key in it is trusted (the operator's own copy).
    expect(again.entries.every((e) => e.revokedAt === null)).toBe(true);
  });

  it('refuses a list with no trusted key, and a file without a public key', () => {
    expect(() => trustFrom([{ version: 1, publicKey: k1 }], [{ version: 1, revoked_at: '2026-12-04T00:00:00Z' }])).toThrow(/no trusted audit signing key/);
    expect(() => SigningKeyTrust.fromPem('not a key')).toThrow(/no PEM public key/);
  });
});
