/**
 * PKCS#11 master key provider against a real SoftHSM2 token.
 * SoftHSM2 is required (CI installs `softhsm2`): when it is missing these tests fail, they do not skip.
 */
import { randomBytes } from 'node:crypto';
import graphene from 'graphene-pk11';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/platform/crypto/integrity-error.js';
import type { MasterKeyProvider } from '../../src/platform/crypto/master-key-provider.js';
import { openPkcs11MasterKeyProvider } from '../../src/platform/crypto/pkcs11-master-key.provider.js';
import { createSoftHsmToken, type SoftHsmToken, softHsmAvailable } from '../helpers/softhsm.js';

const KEY_LABEL = 'castellan-kek';
const NOT_INSTALLED =
  'SoftHSM2 is not installed (no libsofthsm2.so found): install it with `apt-get install -y softhsm2` ' +
  '(or point SOFTHSM2_MODULE at the module). These tests do not skip.';

describe('PKCS#11 master key provider (SoftHSM2)', () => {
  let token: SoftHsmToken;
  let provider: MasterKeyProvider | undefined;
  const aad = Buffer.from('castellan:dek:tenant-1:v1');
  const dataKey = randomBytes(32);
  let earlierBlob: Buffer;

  function current(): MasterKeyProvider {
    if (!provider) throw new Error('no provider is open (an earlier test failed)');
    return provider;
  }

  function open(overrides: Partial<Parameters<typeof openPkcs11MasterKeyProvider>[0]> = {}) {
    return openPkcs11MasterKeyProvider({
      modulePath: token.modulePath,
      tokenLabel: token.tokenLabel,
      pin: token.pin,
      keyLabel: KEY_LABEL,
      createIfMissing: false,
      ...overrides,
    });
  }

  beforeAll(() => {
    if (!softHsmAvailable()) throw new Error(NOT_INSTALLED);
    token = createSoftHsmToken('castellan-medium');
  });

  afterAll(async () => {
    await provider?.close();
    token?.cleanup();
  });

  it('has SoftHSM2 installed', () => {
    expect(softHsmAvailable(), NOT_INSTALLED).toBe(true);
  });

  it('refuses to open when the key is missing and createIfMissing is false', async () => {
    await expect(open()).rejects.toThrow(/no AES secret key labelled "castellan-kek"/);
  });

  it('creates the key and round-trips a 32-byte data key', async () => {
    provider = await open({ createIfMissing: true });
    expect(provider.kind).toBe('pkcs11');
    expect(provider.keyId).toBe('pkcs11:castellan-medium/castellan-kek');

    earlierBlob = await provider.wrap(dataKey, aad);
    expect(earlierBlob[0]).toBe(1);
    expect(earlierBlob.length).toBe(1 + 12 + 32 + 16);
    expect(earlierBlob.includes(dataKey)).toBe(false);
    expect(await provider.unwrap(earlierBlob, aad)).toEqual(dataKey);

    // Fresh IV each time.
    const again = await provider.wrap(dataKey, aad);
    expect(again.equals(earlierBlob)).toBe(false);
    expect(await provider.unwrap(again, aad)).toEqual(dataKey);
  });

  it('serialises concurrent operations on the session', async () => {
    const p = current();
    const keys = Array.from({ length: 8 }, () => randomBytes(32));
    const blobs = await Promise.all(keys.map((k) => p.wrap(k, aad)));
    const back = await Promise.all(blobs.map((b) => p.unwrap(b, aad)));
    expect(back).toEqual(keys);
  });

  it('rejects another AAD with IntegrityError', async () => {
    await expect(current().unwrap(earlierBlob, Buffer.from('castellan:dek:tenant-2:v1'))).rejects.toBeInstanceOf(IntegrityError);
    // The failed operation must not leave the session stuck.
    expect(await current().unwrap(earlierBlob, aad)).toEqual(dataKey);
  });

  it('rejects tampered, truncated or unknown-format blobs with IntegrityError', async () => {
    for (const index of [1, 13, 30, earlierBlob.length - 1]) {
      const flipped = Buffer.from(earlierBlob);
      flipped[index] = (flipped[index] ?? 0) ^ 0x01;
      await expect(current().unwrap(flipped, aad)).rejects.toBeInstanceOf(IntegrityError);
    }
    await expect(current().unwrap(earlierBlob.subarray(0, 20), aad)).rejects.toBeInstanceOf(IntegrityError);
    const badVersion = Buffer.from(earlierBlob);
    badVersion[0] = 2;
    await expect(current().unwrap(badVersion, aad)).rejects.toBeInstanceOf(IntegrityError);
    expect(await current().unwrap(earlierBlob, aad)).toEqual(dataKey);
  });

  it('rejects a blob wrapped under another KEK with IntegrityError', async () => {
    const other = await open({ keyLabel: 'castellan-kek-other', createIfMissing: true });
    try {
      const blob = await other.wrap(dataKey, aad);
      await expect(current().unwrap(blob, aad)).rejects.toBeInstanceOf(IntegrityError);
      expect(await other.unwrap(blob, aad)).toEqual(dataKey);
    } finally {
      await other.close();
    }
    // Closing the second provider must not log out or finalise the first one.
    expect(await current().unwrap(earlierBlob, aad)).toEqual(dataKey);
  });

  it('rejects a wrong PIN while another provider holds the login, without echoing it', async () => {
    const wrongPin = '98765432';
    const err = await open({ pin: wrongPin }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/login to token "castellan-medium" failed/);
    expect((err as Error).message).not.toContain(wrongPin);
  });

  it('persists the key: a new session unwraps an earlier blob', async () => {
    await current().close();
    await expect(current().wrap(dataKey, aad)).rejects.toThrow(/closed/);
    provider = undefined;

    provider = await open({ createIfMissing: false });
    expect(await provider.unwrap(earlierBlob, aad)).toEqual(dataKey);
    await provider.close();
    provider = undefined;
  });

  it('rejects a wrong PIN on a fresh login, without echoing it', async () => {
    const wrongPin = '24681357';
    const err = await open({ pin: wrongPin }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/CKR_PIN_INCORRECT/);
    expect((err as Error).message).not.toContain(wrongPin);
  });

  it('rejects an unknown token label', async () => {
    await expect(open({ tokenLabel: 'no-such-token' })).rejects.toThrow(/no token labelled "no-such-token"/);
  });

  it('generated a sensitive, non-extractable token key', () => {
    // No provider is open here, so this test owns the module initialisation and the login.
    const mod = graphene.Module.load(token.modulePath);
    mod.initialize();
    try {
      const slots = mod.getSlots(true);
      let slot: graphene.Slot | undefined;
      for (let i = 0; i < slots.length; i++) {
        if (slots.items(i).getToken().label === token.tokenLabel) slot = slots.items(i);
      }
      if (!slot) throw new Error(`token "${token.tokenLabel}" not found`);
      const session = slot.open(graphene.SessionFlag.RW_SESSION | graphene.SessionFlag.SERIAL_SESSION);
      session.login(token.pin, graphene.UserType.USER);
      try {
        const found = session.find({ class: graphene.ObjectClass.SECRET_KEY, label: KEY_LABEL });
        expect(found.length).toBe(1);
        const key = found.items(0).toType() as graphene.SecretKey;
        const attrs = key.getAttribute({
          token: null,
          sensitive: null,
          extractable: null,
          alwaysSensitive: null,
          neverExtractable: null,
          valueLen: null,
        });
        expect(attrs).toMatchObject({
          token: true,
          sensitive: true,
          extractable: false,
          alwaysSensitive: true,
          neverExtractable: true,
          valueLen: 32,
        });
        expect(() => key.getAttribute('value')).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
        expect(() => key.getAttribute(0x11 /* CKA_VALUE */)).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
        // Cannot be flipped to extractable either.
        expect(() => key.setAttribute('extractable', true)).toThrow();
      } finally {
        session.logout();
        session.close();
      }
    } finally {
      mod.finalize();
      mod.close();
    }
  });
});
