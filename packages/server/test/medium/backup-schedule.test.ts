import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupJob } from '../../src/modules/backups/backup.job.js';
import { SigningKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { claimScheduledSlot, readBackupHistory } from '../../src/platform/backup/backup-records.js';
import { localFolderTarget } from '../../src/platform/backup/local-folder.target.js';
import { listBackups } from '../../src/platform/backup/read-backup.js';
import { testDialects } from '../helpers/databases.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * The backup scheduler on both databases: a slot is claimed by exactly one of many parallel claims
 * (one conditional update); a tick takes the due backup and runs the due drill, the next tick within
 * the period does nothing, a tick a period later takes the next backup; the target's erasure ledger is kept.
 */
describe.each(testDialects)('the backup scheduler on %s', (dialect) => {
  let install: TestInstall;
  beforeAll(async () => {
    install = await createTestInstall(dialect);
  });
  afterAll(async () => install?.cleanup());

  it('gives a slot to exactly one of ten parallel claims', async () => {
    const now = new Date();
    const claims = await Promise.all(Array.from({ length: 10 }, () => claimScheduledSlot(install.kernel, 'drill', 7 * 86_400_000, now)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimScheduledSlot(install.kernel, 'drill', 7 * 86_400_000, new Date(now.getTime() + 3600_000))).toBe(false);
    expect(await claimScheduledSlot(install.kernel, 'drill', 7 * 86_400_000, new Date(now.getTime() + 8 * 86_400_000))).toBe(true);
  });

  it('takes the due backup and runs the due drill once; nothing until the next period', async () => {
    const kernel = { ...install.kernel, config: { ...install.kernel.config, backup: { ...install.kernel.config.backup, drillEveryDays: 7, everyHours: 24 } } };
    // The claim above moved the drill slot forward by 8 days: start from a clean slot for this test.
    await install.kernel.db.kysely.deleteFrom('settings').where('key', 'like', 'backup_slot_%').execute();
    const job = startBackupJob(kernel, pino({ level: 'silent' }), 3600_000);
    try {
      const now = new Date();
      await job.tick(now);
      let history = await readBackupHistory(install.kernel);
      expect(history.runs.map((r) => [r.kind, r.status])).toEqual([['scheduled', 'good']]);
      expect(history.drills.map((d) => [d.kind, d.status])).toEqual([['scheduled', 'passed']]);
      await job.tick(new Date(now.getTime() + 3600_000));
      history = await readBackupHistory(install.kernel);
      expect([history.runs.length, history.drills.length]).toEqual([1, 1]);
      await job.tick(new Date(now.getTime() + 25 * 3600_000));
      history = await readBackupHistory(install.kernel);
      expect(history.runs.length).toBe(2);
      expect(history.drills.length).toBe(1);
      const target = localFolderTarget('local', install.config.backup.dir);
      expect((await listBackups(target, SigningKeyTrust.of([install.kernel.keyring.auditPublicKey]))).map((b) => b.state)).toEqual(['good', 'good']);
      expect(await target.list('erasure-ledger/')).not.toEqual([]);
      expect(path.basename(install.config.backup.dir)).toBe('backups');
    } finally {
      job.stop();
    }
  }, 180_000);
});
