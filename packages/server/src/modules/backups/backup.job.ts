import type { FastifyBaseLogger } from 'fastify';
import { noRequest } from '../../platform/audit/audit-event.js';
import { claimScheduledSlot, readBackupHistory } from '../../platform/backup/backup-records.js';
import type { BackupTarget } from '../../platform/backup/backup-target.js';
import { createBackup } from '../../platform/backup/create-backup.js';
import { syncErasureLedger } from '../../platform/backup/erasure-ledger.js';
import { pruneBackups } from '../../platform/backup/prune-backups.js';
import { asSystem } from '../../platform/data/as-system.js';
import { every } from '../../platform/jobs/periodic-job.js';
import type { Kernel } from '../../platform/kernel.js';
import { isDue, nextDue } from './backup-schedule.js';
import { backupPublicKey, withTargets } from './backup-targets.js';
import { runRestoreDrill } from './restore-drill.js';

const TICK_MS = 10 * 60_000;

/**
 * The backup scheduler, run by every node and acting once across them (claimScheduledSlot): ten
 * minutes after start, then every ten minutes, it brings each target's erasure ledger up to date; when a backup is due it takes one,
 * then prunes each target by the keep policy; when a drill is due it runs one on the first target.
 */
export function startBackupJob(kernel: Kernel, log: FastifyBaseLogger, tickMs = TICK_MS): { stop(): void; tick(now?: Date): Promise<void> } {
  const actor = asSystem('scheduled backups, pruning, restore drills and erasure-ledger upkeep');
  const { backup } = kernel.config;
  const tick = (now = new Date()) => withTargets(kernel.config, (targets) => tickWith(targets, now));
  const tickWith = async (targets: BackupTarget[], now: Date) => {
    for (const target of targets)
      await syncErasureLedger(kernel, target).catch((error: Error) =>
        log.warn({ target: target.name, err: { type: error.name } }, 'erasure ledger not synced'),
      );
    const due = nextDue(kernel.config, await readBackupHistory(kernel, 20), now);
    if (isDue(due.nextBackupAt, now) && (await claimScheduledSlot(kernel, 'backup', backup.everyHours * 3_600_000, now))) {
      const run = await createBackup(kernel, actor, noRequest, targets, { kind: 'scheduled', publicKey: backupPublicKey(kernel.config) });
      log.info(
        { backup: run.id, sequence: run.sequence, rows: run.rows, bytes: run.bytes, targets: run.targets.map((t) => `${t.target}:${t.ok}`) },
        'backup finished',
      );
      for (const target of targets.filter((t) => run.targets.find((o) => o.target === t.name)?.ok)) {
        const pruned = await pruneBackups(kernel, actor, noRequest, target, backup.keep, now);
        if (pruned.failure) log.warn({ target: target.name }, 'pruning failed');
      }
    }
    const first = targets[0];
    if (first && isDue(due.nextDrillAt, now) && (await claimScheduledSlot(kernel, 'drill', backup.drillEveryDays * 86_400_000, now))) {
      const drill = await runRestoreDrill(kernel, actor, noRequest, first, { kind: 'scheduled' });
      log.info({ drill: drill.drillId, status: drill.status, rtoMs: drill.rtoMs, rpoSeconds: drill.rpoSeconds }, 'restore drill finished');
    }
  };
  const job = every(
    tickMs,
    10 * 60_000,
    () => tick(),
    (error) => log.error({ err: { type: error.name, code: (error as { code?: string }).code } }, 'backup job failed'),
  );
  return { stop: job.stop, tick };
}
