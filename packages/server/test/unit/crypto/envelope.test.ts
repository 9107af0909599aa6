import { describe, expect, it } from 'vitest';
import { aes256GcmSuite } from '../../../src/platform/crypto/aes-256-gcm.suite.js';
import type { CipherSuite } from '../../../src/platform/crypto/cipher-suite.js';
import { envelopeKeyVersion, type FieldContext, fieldAad, openBytes, openValue, sealBytes, sealValue } from '../../../src/platform/crypto/envelope.js';
import { IntegrityError } from '../../../src/platform/crypto/integrity-error.js';
import { sm4CtrHmacSm3Suite } from '../../../src/platform/crypto/sm4-ctr-hmac-sm3.suite.js';
import { suiteByCode, suiteById } from '../../../src/platform/crypto/suites.js';

const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i));
const CTX: FieldContext = { table: 'contacts', column: 'email', rowId: '0190c6a2-7d4e-7a1b-9c3f-1234567890ab' };
const SECRET = 'alice@example.com';

function expectIntegrityErrorWithoutValue(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IntegrityError);
  const msg = (caught as Error).message;
  expect(msg).not.toContain(SECRET);
  expect(msg).not.toMatch(/[0-9a-f]{16}/i); // no hex dumps of envelope bytes
}

describe('suites', () => {
  it('look up by id and by code', () => {
    expect(suiteById('intl')).toBe(aes256GcmSuite);
    expect(suiteById('gm')).toBe(sm4CtrHmacSm3Suite);
    expect(suiteByCode(1)).toBe(aes256GcmSuite);
    expect(suiteByCode(2)).toBe(sm4CtrHmacSm3Suite);
    for (const code of [0, 3, 255, -1, 1.5]) expect(() => suiteByCode(code)).toThrow(IntegrityError);
  });
});

describe.each<[string, CipherSuite]>([
  ['intl', aes256GcmSuite],
  ['gm', sm4CtrHmacSm3Suite],
])('envelope with suite %s', (_name, suite) => {
  const sealed = (): Buffer => sealValue(suite, KEY, 7, SECRET, CTX);

  it('has the documented layout and round-trips', () => {
    const env = sealed();
    expect(env[0]).toBe(1);
    expect(env[1]).toBe(suite.code);
    expect(env.readUInt32BE(2)).toBe(7);
    expect(env).toHaveLength(6 + suite.nonceLength + Buffer.byteLength(SECRET) + suite.tagLength);
    expect(env.includes(Buffer.from(SECRET))).toBe(false);
    expect(envelopeKeyVersion(env)).toBe(7);
    expect(openValue(KEY, env, CTX)).toBe(SECRET);
    expect(openValue(KEY, env, CTX, suite)).toBe(SECRET);
  });

  it('round-trips empty, unicode and long values and key version 0 / 2^32-1', () => {
    for (const v of ['', '张伟', '😀 emoji', 'z'.repeat(10_000)]) {
      expect(openValue(KEY, sealValue(suite, KEY, 0, v, CTX), CTX)).toBe(v);
    }
    const max = sealValue(suite, KEY, 0xffffffff, 'x', CTX);
    expect(envelopeKeyVersion(max)).toBe(0xffffffff);
    expect(() => sealValue(suite, KEY, -1, 'x', CTX)).toThrow();
    expect(() => sealValue(suite, KEY, 2 ** 32, 'x', CTX)).toThrow();
  });

  it('flipping any bit of any byte fails with IntegrityError', () => {
    const env = sealed();
    for (let i = 0; i < env.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const bad = Buffer.from(env);
        bad[i] = (bad[i] ?? 0) ^ mask;
        expectIntegrityErrorWithoutValue(() => openValue(KEY, bad, CTX));
      }
    }
  });

  it('wrong key, table, column, row id or key version fails with IntegrityError', () => {
    const env = sealed();
    expectIntegrityErrorWithoutValue(() => openValue(Buffer.alloc(32, 1), env, CTX));
    expectIntegrityErrorWithoutValue(() => openValue(KEY, env, { ...CTX, table: 'leads' }));
    expectIntegrityErrorWithoutValue(() => openValue(KEY, env, { ...CTX, column: 'phone' }));
    expectIntegrityErrorWithoutValue(() => openValue(KEY, env, { ...CTX, rowId: 'other-row' }));
    // NUL-joined context: moving a boundary must not collide
    expectIntegrityErrorWithoutValue(() => openValue(KEY, env, { ...CTX, table: 'contact', column: 'semail' }));
    const otherVersion = Buffer.from(env);
    otherVersion.writeUInt32BE(8, 2);
    expect(envelopeKeyVersion(otherVersion)).toBe(8);
    expectIntegrityErrorWithoutValue(() => openValue(KEY, otherVersion, CTX));
  });

  it('truncated envelopes fail with IntegrityError at every length', () => {
    const env = sealed();
    for (let n = 0; n < env.length; n++) {
      expectIntegrityErrorWithoutValue(() => openValue(KEY, env.subarray(0, n), CTX));
    }
    expectIntegrityErrorWithoutValue(() => envelopeKeyVersion(env.subarray(0, 5)));
  });

  it('unknown format version, unknown suite and unexpected suite fail with IntegrityError', () => {
    const env = sealed();
    for (const [index, value] of [
      [0, 0],
      [0, 2],
      [1, 0],
      [1, 9],
    ] as const) {
      const bad = Buffer.from(env);
      bad[index] = value;
      expectIntegrityErrorWithoutValue(() => openValue(KEY, bad, CTX));
    }
    const other = suite === aes256GcmSuite ? sm4CtrHmacSm3Suite : aes256GcmSuite;
    const swapped = Buffer.from(env);
    swapped[1] = other.code;
    expectIntegrityErrorWithoutValue(() => openValue(KEY, swapped, CTX));
    expectIntegrityErrorWithoutValue(() => openValue(KEY, env, CTX, other));
  });

  it('AAD is header bytes 0..5 followed by table\\0column\\0rowId', () => {
    const env = sealed();
    const aad = fieldAad(env, CTX);
    expect(aad.subarray(0, 6).equals(env.subarray(0, 6))).toBe(true);
    expect(aad.subarray(6).toString('utf8')).toBe(`contacts\0email\0${CTX.rowId}`);
    const nonce = env.subarray(6, 6 + suite.nonceLength);
    const ciphertext = env.subarray(6 + suite.nonceLength, env.length - suite.tagLength);
    const tag = env.subarray(env.length - suite.tagLength);
    expect(suite.open(KEY, { nonce, ciphertext, tag }, aad).toString()).toBe(SECRET);
    expect(() => fieldAad(env, { ...CTX, rowId: 'a\0b' })).toThrow();
  });

  it('sealBytes/openBytes use the same layout and bind the caller AAD', () => {
    const dek = Buffer.alloc(32, 0x42);
    const label = Buffer.from('castellan/dek-wrap/v1');
    const env = sealBytes(suite, KEY, 3, dek, label);
    expect(env[0]).toBe(1);
    expect(env[1]).toBe(suite.code);
    expect(envelopeKeyVersion(env)).toBe(3);
    expect(env).toHaveLength(6 + suite.nonceLength + 32 + suite.tagLength);
    expect(openBytes(KEY, env, label).equals(dek)).toBe(true);
    expect(() => openBytes(KEY, env, Buffer.from('castellan/dek-wrap/v2'))).toThrow(IntegrityError);
    const bumped = Buffer.from(env);
    bumped.writeUInt32BE(4, 2);
    expect(() => openBytes(KEY, bumped, label)).toThrow(IntegrityError);
  });

  it('moving an envelope to another cell is detected', () => {
    const a = sealValue(suite, KEY, 1, 'a@example.com', { ...CTX, rowId: 'row-a' });
    expect(() => openValue(KEY, a, { ...CTX, rowId: 'row-b' })).toThrow(IntegrityError);
  });
});
