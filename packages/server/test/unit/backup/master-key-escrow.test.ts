import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IntegrityError } from '../../../src/platform/crypto/integrity-error.js';
import { createMasterKeyFile, openFileMasterKeyProvider } from '../../../src/platform/crypto/local-master-key.provider.js';
import { escrowMasterKey, recoverMasterKey } from '../../../src/platform/crypto/master-key-escrow.js';

describe('master key escrow', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'castellan-escrow-'));
  const keyFile = path.join(dir, 'master.key');
  createMasterKeyFile(keyFile);
  const keyId = openFileMasterKeyProvider(keyFile).keyId;
  const escrowKeys = generateKeyPairSync('x25519');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seals the key file to the escrow key and recovers the same file, mode 0600', async () => {
    const escrow = await escrowMasterKey({ provider: 'file', file: keyFile }, escrowKeys.publicKey, keyId);
    expect(escrow.includes(readFileSync(keyFile, 'utf8').split('\n')[1] as string)).toBe(false);
    const out = path.join(dir, 'recovered.key');
    expect(await recoverMasterKey(escrow, escrowKeys.privateKey, out)).toBe(keyId);
    expect(readFileSync(out)).toEqual(readFileSync(keyFile));
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('refuses another private key, an altered escrow, and overwriting a key file; an HSM key is not escrowed', async () => {
    const escrow = await escrowMasterKey({ provider: 'file', file: keyFile }, escrowKeys.publicKey, keyId);
    const other = generateKeyPairSync('x25519');
    await expect(recoverMasterKey(escrow, other.privateKey, path.join(dir, 'a.key'))).rejects.toThrow(IntegrityError);
    const parsed = JSON.parse(escrow.toString('utf8'));
    const sealed = Buffer.from(parsed.key.sealed, 'base64');
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] as number) ^ 1;
    parsed.key.sealed = sealed.toString('base64');
    await expect(recoverMasterKey(Buffer.from(JSON.stringify(parsed)), escrowKeys.privateKey, path.join(dir, 'b.key'))).rejects.toThrow(IntegrityError);
    parsed.key.sealed = Buffer.from(JSON.parse(escrow.toString('utf8')).key.sealed, 'base64').toString('base64');
    parsed.keyId = 'file:0000000000000000';
    await expect(recoverMasterKey(Buffer.from(JSON.stringify(parsed)), escrowKeys.privateKey, path.join(dir, 'c.key'))).rejects.toThrow(IntegrityError);
    await expect(recoverMasterKey(escrow, escrowKeys.privateKey, keyFile)).rejects.toThrow(/EEXIST/);
    await expect(
      escrowMasterKey({ provider: 'pkcs11', module: 'x', tokenLabel: 't', pin: 'p', keyLabel: 'k' } as never, escrowKeys.publicKey, 'pkcs11:k'),
    ).rejects.toThrow(/never leaves/);
  });
});
