import { createPrivateKey, createPublicKey, type KeyObject, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/cli/cli-context.js';
import { restoreInstallation } from '../../src/modules/backups/restore-installation.js';
import { signReport, verifyReport } from '../../src/modules/compliance/report-signature.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { checkpointMessage, writeCheckpoint } from '../../src/platform/audit/checkpoints.js';
import { rotateAuditSigningKey } from '../../src/platform/audit/rotate-signing-key.js';
import { publicKeyId } from '../../src/platform/audit/signing-key-id.js';
import { SigningKeyTrust, signingKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { verifyAuditChain } from '../../src/platform/audit/verify-audit-chain.js';
import { type BackupManifest, manifestHash, signManifest } from '../../src/platform/backup/backup-manifest.js';
import { backupFolder } from '../../src/platform/backup/backup-target.js';
import { createBackup } from '../../src/platform/backup/create-backup.js';
import { readErasureLedger } from '../../src/platform/backup/erasure-ledger.js';
import { localFolderTarget } from '../../src/platform/backup/local-folder.target.js';
import { auditKeysFromBackup, listBackups, verifyBackup } from '../../src/platform/backup/read-backup.js';
import { signingKeyStatus } from '../../src/platform/crypto/key-administration.js';
import { dataKeyAad } from '../../src/platform/crypto/keyring.js';
import { openKernel } from '../../src/platform/kernel.js';
import { asDatabaseAdministrator } from '../helpers/database-administrator.js';
import { type ScratchPostgres, testDialects } from '../helpers/databases.js';
import { emptyInstallation } from '../helpers/empty-installation.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * Rotating the audit signing key, and revoking one that leaked. After a plain rotation the old key
 * still verifies what it signed (checkpoints, backups, reports). After a revocation what the revoked
 * key signed counts only where the new key vouches for it: its checkpoints are covered by the
 * checkpoint the new key signs at once; its backups and erasure-ledger segments are refused until
 * the next backup (signed by the new key, naming their hashes) vouches for them; a report it signed,
 * a checkpoint it signs after the revocation and a backup it forges on top of the chain are refused,
 * and the installation will not extend its chain over the forgery.
 */
describe.each(testDialects)('audit signing key rotation on %s', (dialect) => {
  let install: TestInstall;
  let scratch: string;
  const pgDatabases: ScratchPostgres[] = [];
  const kernel = () => install.kernel;
  const target = () => localFolderTarget('local', path.join(scratch, 'target'));
  const operator = operatorActor('signing rotation test');
  const trust = () => signingKeyTrust(kernel());
  const backup = () => createBackup(kernel(), operator, noRequest, [target()], { kind: 'manual' });
  const keyFile = () => SigningKeyTrust.fromPem(readFileSync(path.join(kernel().config.auditCheckpoints.dir, 'audit-public-key.pem'), 'utf8'));
  /** The private half of an older signing version (what a thief of that key holds). */
  const privateKeyOf = async (version: number): Promise<KeyObject> => {
    const row = await kernel()
      .db.kysely.selectFrom('data_keys')
      .select('wrapped')
      .where('purpose', '=', 'audit_signing')
      .where('version', '=', version)
      .executeTakeFirstOrThrow();
    return createPrivateKey({
      key: await kernel().keyring.provider.unwrap(Buffer.from(row.wrapped), dataKeyAad('audit_signing', version)),
      format: 'der',
      type: 'pkcs8',
    });
  };
  const manifestOf = async (sequence: number, id: string) =>
    JSON.parse((await target().get(`${backupFolder(sequence, id)}manifest.json`)).toString('utf8')) as { body: BackupManifest; keyId: string };
  const verify = async (which: string) => verifyBackup(target(), which, { signing: await trust(), provider: kernel().keyring.provider }, { readData: true });
  let v1Report: Buffer;
  let v2Report: Buffer;
  let first: { sequence: number; id: string };
  let second: { sequence: number; id: string };

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    scratch = mkdtempSync(path.join(tmpdir(), 'castellan-signing-rotation-'));
  });
  afterAll(async () => {
    await install?.cleanup();
    for (const pg of pgDatabases) await pg.drop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('a plain rotation: the new key signs from now on, the old one still verifies what it signed', async () => {
    const run = await backup();
    first = { sequence: run.sequence, id: run.id };
    await writeCheckpoint(kernel());
    const v1 = publicKeyId(kernel().keyring.auditPublicKey);
    v1Report = signReport('json', { kind: 'compliance', checks: [] }, kernel().keyring.auditSigningKey, v1);

    const rotated = await rotateAuditSigningKey(kernel(), operator, { revokePrevious: false });
    expect(rotated).toMatchObject({ fromVersion: 1, fromKeyId: v1, toVersion: 2, revoked: false });
    expect(rotated.toKeyId).not.toBe(v1);
    expect(publicKeyId(kernel().keyring.auditPublicKey)).toBe(rotated.toKeyId);
    expect(rotated.checkpointSeq).not.toBeNull();
    expect(keyFile().entries.map((e) => e.keyId)).toEqual([v1, rotated.toKeyId]);
    expect((await signingKeyStatus(kernel())).map((k) => k.status)).toEqual(['superseded', 'current']);
    expect(await verifyAuditChain(kernel())).toMatchObject({ intact: true });
    const newest = await kernel().db.kysely.selectFrom('audit_checkpoints').select('key_id').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(newest.key_id).toBe(rotated.toKeyId);
    const event = await kernel().db.kysely.selectFrom('audit_events').select(['detail']).where('action', '=', 'key.signing.rotated').executeTakeFirstOrThrow();
    expect(JSON.parse(String(event.detail))).toEqual({
      fromVersion: 1,
      fromKeyId: v1,
      toVersion: 2,
      toKeyId: rotated.toKeyId,
      revoked: false,
      systemReason: expect.any(String),
    });

    expect(verifyReport(v1Report, (await trust()).resolve)).toMatchObject({ valid: true });
    const next = await backup();
    second = { sequence: next.sequence, id: next.id };
    expect((await manifestOf(next.sequence, next.id)).keyId).toBe(rotated.toKeyId);
    expect((await manifestOf(first.sequence, first.id)).keyId).toBe(v1);
    await expect(verify(String(first.sequence))).resolves.toBeTruthy();
    await expect(verify('latest')).resolves.toBeTruthy();
    v2Report = signReport('json', { kind: 'compliance', checks: [] }, kernel().keyring.auditSigningKey, rotated.toKeyId);
  }, 120_000);

  it('a revocation: what the leaked key signed counts only where the new key vouches for it', async () => {
    const v2 = publicKeyId(kernel().keyring.auditPublicKey);
    const rotated = await rotateAuditSigningKey(kernel(), operator, { revokePrevious: true });
    expect(rotated).toMatchObject({ fromVersion: 2, fromKeyId: v2, toVersion: 3, revoked: true });
    const status = await signingKeyStatus(kernel());
    expect(status.map((k) => k.status)).toEqual(['superseded', 'revoked', 'current']);
    expect(status[1]?.revokedAt).toBeTruthy();

    // The audit trail: the revoked key's checkpoints are covered by the one the new key signed at once.
    expect(await verifyAuditChain(kernel())).toMatchObject({ intact: true });
    // A report the revoked key signed is refused, naming the revocation; one of the superseded key still verifies.
    const refused = verifyReport(v2Report, (await trust()).resolve);
    expect(refused.valid).toBe(false);
    expect(refused.reason).toMatch(/revoked as compromised/);
    expect(verifyReport(v1Report, (await trust()).resolve).valid).toBe(true);

    // The backup the revoked key signed is refused until a manifest of the new key vouches for it.
    const listed = await listBackups(target(), await trust());
    expect(listed.map((b) => b.state)).toEqual(['good', 'invalid']);
    expect(listed[1]?.problem).toMatch(/revoked as compromised/);
    await expect(verify(String(second.sequence))).rejects.toThrow(/revoked as compromised.*nothing signed by a trusted key after it vouches/);
    await expect(verify(String(first.sequence))).resolves.toBeTruthy();
    await expect(readErasureLedger(target(), await trust())).rejects.toThrow(/revoked as compromised/);

    const third = await backup();
    expect(third.status).toBe('good');
    expect((await manifestOf(third.sequence, third.id)).keyId).toBe(rotated.toKeyId);
    expect((await listBackups(target(), await trust())).map((b) => b.state)).toEqual(['good', 'good', 'good']);
    await expect(verify(String(second.sequence))).resolves.toBeTruthy();
    await expect(readErasureLedger(target(), await trust())).resolves.toMatchObject({ lastKeyId: rotated.toKeyId });
  }, 120_000);

  it('a fresh restore takes the keys and the revocation from the newest backup; audit verify passes after', async () => {
    const into = await emptyInstallation(install, 'sqlite', scratch, pgDatabases);
    const signing = await auditKeysFromBackup(target(), 'latest', { provider: kernel().keyring.provider });
    expect(signing.entries.map((e) => e.revokedAt === null)).toEqual([true, false, true]);
    const restored = await restoreInstallation(target(), String(second.sequence), { signing, provider: kernel().keyring.provider }, into);
    expect(restored.sequence).toBe(second.sequence);
    const copy = await openKernel(into);
    try {
      expect(await verifyAuditChain(copy)).toMatchObject({ intact: true });
    } finally {
      await copy.close();
    }
  }, 120_000);

  it('refuses what the revoked key signs after its revocation: a checkpoint, a backup forged on top of the chain', async () => {
    const leaked = await privateKeyOf(2);
    const leakedId = publicKeyId(createPublicKey(leaked));
    const db = kernel().db.kysely;

    // A checkpoint the thief signs now: refused for the revocation before anything else is compared.
    const body = { seq: 1_000_000, hash: 'f'.repeat(64), at: new Date(Date.now() + 1000).toISOString() };
    await db
      .insertInto('audit_checkpoints')
      .values({ ...body, key_id: leakedId, signature: sign(null, checkpointMessage(body), leaked).toString('base64') })
      .execute();
    const verified = await verifyAuditChain(kernel());
    expect(verified).toMatchObject({ intact: false, problem: { kind: 'bad_checkpoint', seq: 1_000_000 } });
    expect(verified.problem?.message).toMatch(/revoked as compromised/);
    await asDatabaseAdministrator(kernel(), (owner) => owner.deleteFrom('audit_checkpoints').where('seq', '=', 1_000_000).execute());
    expect(await verifyAuditChain(kernel())).toMatchObject({ intact: true });

    const listed = await listBackups(target(), await trust());
    const head = listed.at(-1) as (typeof listed)[number];
    const headFile = await target().get(`${backupFolder(head.sequence, head.backupId)}manifest.json`);
    const { body: headManifest } = JSON.parse(headFile.toString('utf8')) as { body: BackupManifest };
    const forgedId = randomUUID();
    const forged: BackupManifest = { ...headManifest, backupId: forgedId, sequence: head.sequence + 1, previousManifestHash: manifestHash(headFile) };
    await target().put(`${backupFolder(forged.sequence, forgedId)}manifest.json`, signManifest(forged, leaked, leakedId));
    await expect(verify('latest')).rejects.toThrow(/revoked as compromised/);
    expect((await listBackups(target(), await trust())).at(-1)).toMatchObject({ state: 'invalid' });
    await expect(backup()).rejects.toThrow(/signed by a revoked key and is not one this installation wrote/);
    // The refusal is a failed run on the backups list, naming the target's reason, not only a thrown error.
    const refused = await kernel().db.kysely.selectFrom('backup_runs').selectAll().orderBy('started_at', 'desc').executeTakeFirstOrThrow();
    expect(refused.status).toBe('failed');
    expect(refused.failure).toMatch(/every backup target failed: the newest backup on target .* is signed by a revoked key/);
    expect(JSON.parse(refused.targets)).toEqual([expect.objectContaining({ ok: false, failure: expect.stringMatching(/signed by a revoked key/) })]);
    // Beside a target that can take it, the backup goes there; the refusing target is reported, not fatal.
    const spare = localFolderTarget('spare', path.join(scratch, 'spare'));
    const run = await createBackup(kernel(), operator, noRequest, [target(), spare], { kind: 'manual' });
    expect(run.status).toBe('good');
    expect(run.targets).toEqual([
      expect.objectContaining({ target: 'local', ok: false, failure: expect.stringMatching(/signed by a revoked key/) }),
      expect.objectContaining({ target: 'spare', ok: true }),
    ]);
    expect((await listBackups(spare, await trust())).map((b) => b.state)).toEqual(['good']);
    await expect(verify(String(head.sequence))).resolves.toBeTruthy();
  }, 120_000);

  it('two rotations at once: one makes the version, the other is refused (409); the key file lists exactly what the database holds', async () => {
    const before = (await trust()).entries.length;
    const outcomes = await Promise.allSettled([
      rotateAuditSigningKey(kernel(), operator, { revokePrevious: false }),
      rotateAuditSigningKey(kernel(), operator, { revokePrevious: false }),
    ]);
    const made = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(made).toBe(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ status: 409 });
    expect((await trust()).entries.length).toBe(before + made);
    expect(keyFile().entries.map((e) => e.keyId)).toEqual((await trust()).entries.map((e) => e.keyId));
    expect(await verifyAuditChain(kernel())).toMatchObject({ intact: true });
  }, 120_000);
});
