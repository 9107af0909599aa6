import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { verifyAuditChain } from '../../src/platform/audit/verify-audit-chain.js';
import { envelopeKeyVersion } from '../../src/platform/crypto/envelope.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { openKernel, readSetting } from '../../src/platform/kernel.js';
import { testDialects } from '../helpers/databases.js';
import { createSoftHsmToken } from '../helpers/softhsm.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

describe.each(testDialects)('master key providers and suites on %s', (dialect) => {
  let install: TestInstall | undefined;
  afterEach(async () => {
    await install?.cleanup();
    install = undefined;
  });

  async function roundTrip(inst: TestInstall) {
    const manager = await addUser(inst.kernel, ['sales_manager'], 'Team K');
    const store = new ProtectedStore(inst.kernel);
    const created = await store.create(manager.actor, noRequest, 'contacts', { name: '王芳', email: 'wang.fang@example.cn', idNumber: '110101198001010011' });
    await inst.kernel.close();
    inst.kernel = await openKernel(inst.config);
    const again = new ProtectedStore(inst.kernel);
    const read = await again.get(manager.actor, noRequest, 'contacts', String(created.id));
    expect(read).toMatchObject({ name: '王芳', email: 'wang.fang@example.cn' });
    const hits = await again.list(manager.actor, noRequest, 'contacts', { limit: 5, search: { field: 'email', value: 'WANG.FANG@example.cn' } });
    expect(hits.items.map((c) => c.id)).toEqual([created.id]);
    return String(created.id);
  }

  it('runs end to end with the 国密 suite (SM4-CTR + HMAC-SM3, SM3 audit chain)', async () => {
    install = await createTestInstall(dialect, { CASTELLAN_CRYPTO_SUITE: 'gm' });
    const id = await roundTrip(install);
    const row = await install.kernel.db.kysely.selectFrom('contacts').select('email_enc').where('id', '=', id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.email_enc as Buffer)[1]).toBe(2);
    expect(envelopeKeyVersion(Buffer.from(row.email_enc as Buffer))).toBe(1);
    // The audit chain is hashed with SM3 and verifies from the stored rows.
    expect(await readSetting(install.kernel.db.kysely, 'crypto_suite')).toBe('gm');
    expect(await verifyAuditChain(install.kernel)).toMatchObject({ intact: true });
  });

  it('runs end to end with the master key in an environment variable', async () => {
    install = await createTestInstall(dialect, { CASTELLAN_MASTER_KEY_PROVIDER: 'env', CASTELLAN_MASTER_KEY: randomBytes(32).toString('base64') });
    await roundTrip(install);
  });

  it('runs end to end with the master key on a SoftHSM2 token (PKCS#11)', async () => {
    const token = createSoftHsmToken(`castellan-${dialect}`);
    try {
      install = await createTestInstall(dialect, {
        CASTELLAN_MASTER_KEY_PROVIDER: 'pkcs11',
        CASTELLAN_PKCS11_MODULE: token.modulePath,
        CASTELLAN_PKCS11_TOKEN_LABEL: token.tokenLabel,
        CASTELLAN_PKCS11_PIN: token.pin,
      });
      const keys = await install.kernel.db.kysely.selectFrom('data_keys').select('kek_id').execute();
      expect(keys.every((k) => k.kek_id.startsWith('pkcs11:'))).toBe(true);
      await roundTrip(install);
    } finally {
      await install?.cleanup();
      install = undefined;
      token.cleanup();
    }
  });

  it('refuses to open with a wrong master key, saying so, and with a key file readable by others', async () => {
    install = await createTestInstall(dialect);
    await install.kernel.close();
    const file = `${install.dataDir}/master.key`;
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `castellan-master-key-v1\n${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    await expect(openKernel(install.config)).rejects.toThrow(/wrong master key/);
    writeFileSync(file, original, { mode: 0o644 });
    const { chmodSync } = await import('node:fs');
    chmodSync(file, 0o644);
    await expect(openKernel(install.config)).rejects.toThrow(/readable by group or others/);
    chmodSync(file, 0o600);
    install.kernel = await openKernel(install.config);
  });
});

describe('configuration errors', () => {
  it('names the variable of a bad configuration value', () => {
    expect(() => loadConfig({ CASTELLAN_PORT: 'abc' })).toThrow(/CASTELLAN_PORT/);
    expect(() => loadConfig({ CASTELLAN_MASTER_KEY_PROVIDER: 'nope' })).toThrow(/CASTELLAN_MASTER_KEY_PROVIDER/);
    expect(() => loadConfig({ CASTELLAN_MASTER_KEY_PROVIDER: 'env' })).toThrow(/CASTELLAN_MASTER_KEY/);
    expect(() => loadConfig({ CASTELLAN_DATABASE_URL: 'mysql://x' })).toThrow(/CASTELLAN_DATABASE_URL/);
    expect(() => loadConfig({ CASTELLAN_MASTER_KEY: 'secret-value-not-base64' })).toThrow(/^(?!.*secret-value).*CASTELLAN_MASTER_KEY/);
  });
});
