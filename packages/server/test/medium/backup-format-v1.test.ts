import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/cli/cli-context.js';
import { runRestoreDrill } from '../../src/modules/backups/restore-drill.js';
import { restoreInstallation } from '../../src/modules/backups/restore-installation.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { publicKeyId } from '../../src/platform/audit/checkpoints.js';
import { SigningKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { chunkKeys, sealChunk } from '../../src/platform/backup/backup-chunk.js';
import { type BackupManifest, type BackupTable, signManifest } from '../../src/platform/backup/backup-manifest.js';
import type { BackupTarget } from '../../src/platform/backup/backup-target.js';
import { createBackup } from '../../src/platform/backup/create-backup.js';
import { localFolderTarget } from '../../src/platform/backup/local-folder.target.js';
import { tableRows, verifyBackup } from '../../src/platform/backup/read-backup.js';
import { encodeRow, RowChecksum, type RowValue } from '../../src/platform/backup/row-codec.js';
import type { Kernel } from '../../src/platform/kernel.js';
import { type ScratchPostgres, testDialects } from '../helpers/databases.js';
import { emptyInstallation } from '../helpers/empty-installation.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * Backups written before rows moved to COPY text (manifest version 1: one JSON line per row) are
 * still verified, restored into either database and drilled. The version 1 backup is made from a
 * version 2 one the way version 1 wrote it: every row as a JSON line, chunks sealed and named under
 * the same backup key, the manifest without column kinds, signed with the installation's audit key.
 */
async function rewriteAsVersion1(kernel: Kernel, target: BackupTarget): Promise<void> {
  const keys = { signing: SigningKeyTrust.of([kernel.keyring.auditPublicKey]), provider: kernel.keyring.provider };
  const backup = await verifyBackup(target, 'latest', keys, { readData: true });
  const file = JSON.parse((await target.get(`${backup.folder}manifest.json`)).toString('utf8')) as { body: BackupManifest };
  const sealKeys = chunkKeys(backup.key);
  const tables: BackupTable[] = [];
  for (const table of backup.manifest.tables) {
    const lines: string[] = [];
    for await (const values of tableRows(target, backup, table.name)) lines.push(encodeRow(values as RowValue[]));
    const checksum = new RowChecksum();
    for (const line of lines) checksum.add(line);
    const chunks: BackupTable['chunks'] = [];
    for (let at = 0; at < lines.length; at += 5) {
      const plaintext = Buffer.from(`${lines.slice(at, at + 5).join('\n')}\n`, 'utf8');
      const chunk = sealChunk(backup.suite, sealKeys, { backupId: backup.manifest.backupId, table: table.name, index: chunks.length }, plaintext);
      await target.put(`${backup.folder}chunks/${chunk.id}`, chunk.bytes);
      chunks.push({ id: chunk.id, size: chunk.bytes.length });
    }
    tables.push({ name: table.name, columns: table.columns, rows: lines.length, checksum: checksum.hex, chunks });
  }
  const manifest: BackupManifest = {
    ...file.body,
    version: 1,
    tables,
    totals: { ...file.body.totals, chunks: tables.reduce((n, t) => n + t.chunks.length, 0) },
  };
  await target.put(`${backup.folder}manifest.json`, signManifest(manifest, kernel.keyring.auditSigningKey, publicKeyId(kernel.keyring.auditPublicKey)));
}

describe.each(testDialects)('a version 1 backup (JSON lines) taken on %s', (dialect) => {
  let install: TestInstall;
  let scratch: string;
  let target: BackupTarget;
  const pgDatabases: ScratchPostgres[] = [];
  const operator = operatorActor('backup format test');

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    scratch = mkdtempSync(path.join(tmpdir(), 'castellan-backup-v1-'));
    target = localFolderTarget('local', path.join(scratch, 'target'));
    await createBackup(install.kernel, operator, noRequest, [target], { kind: 'manual', chunkBytes: 2048 });
    await rewriteAsVersion1(install.kernel, target);
  });
  afterAll(async () => {
    await install.cleanup();
    for (const pg of pgDatabases) await pg.drop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('verifies, and restores into an empty SQLite and PostgreSQL database with the audit chain intact', async () => {
    const keys = { signing: SigningKeyTrust.of([install.kernel.keyring.auditPublicKey]), provider: install.kernel.keyring.provider };
    const verified = await verifyBackup(target, 'latest', keys, { readData: true });
    expect(verified.manifest.version).toBe(1);
    for (const kind of testDialects) {
      const restored = await restoreInstallation(target, 'latest', keys, await emptyInstallation(install, kind, scratch, pgDatabases));
      expect(restored.into).toBe(kind);
      expect(restored.rows).toBe(verified.manifest.totals.rows);
      expect(restored.audit.intact, JSON.stringify(restored.audit.problem)).toBe(true);
    }
  });

  it('passes a drill, whose checksums are summed over JSON lines as the manifest was', async () => {
    const drill = await runRestoreDrill(install.kernel, operator, noRequest, target, { kind: 'manual' });
    expect(drill.status, JSON.stringify(drill.checks)).toBe('passed');
  });
});
