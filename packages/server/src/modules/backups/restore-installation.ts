import type { Config } from '../../config/load-config.js';
import { seedCheckpointFiles } from '../../platform/audit/checkpoints.js';
import { type VerifyResult, verifyAuditChain } from '../../platform/audit/verify-audit-chain.js';
import type { BackupTarget } from '../../platform/backup/backup-target.js';
import { readErasureLedger } from '../../platform/backup/erasure-ledger.js';
import { BackupRefused, type TrustedKeys, type VerifiedBackup, verifyBackup } from '../../platform/backup/read-backup.js';
import { type RestoreReport, restoreBackup } from '../../platform/backup/restore-backup.js';
import { openKernel } from '../../platform/kernel.js';
import { replayErasures } from './replay-erasures.js';

export interface InstallationRestore extends RestoreReport {
  /** People erased after the backup was taken (from the erasure ledger), erased again before the server opens. */
  erasedAgain: number;
  ledgerSegments: number;
  audit: VerifyResult;
  checkpointsKeptAside: string | null;
}

/**
 * The whole restore of an installation: verify the backup's signature, chain and key; load it into
 * the empty database of `into` (either dialect) in one pass that checks every chunk, count and
 * checksum before the load commits (restore-backup.ts), so a refused backup leaves nothing (with
 * verifyFirst, a whole verifying pass comes first and the database is not touched until it passes); start the record of audit checkpoints again
 * from the restored ones; replay the erasure ledger; and check the audit chain. The erasure ledger is
 * read and checked before anything is written, so a tampered ledger refuses the restore as a whole.
 */
export async function restoreInstallation(
  target: BackupTarget,
  which: string,
  keys: TrustedKeys,
  into: Config,
  /** Called with the backup once its rows are loaded, before anything changes them (the drill compares counts and checksums here). */
  inspect?: (backup: VerifiedBackup) => Promise<void>,
  /** verifyFirst: read and check every chunk, count and checksum in a pass of its own before the database is touched at all (a second read of the backup). */
  options: { verifyFirst?: boolean } = {},
): Promise<InstallationRestore> {
  const ledger = await readErasureLedger(target, keys.signing).catch((error: Error) => {
    throw new BackupRefused(`the erasure ledger on target ${target.name} is refused: ${error.message}`);
  });
  const known = Math.max(keys.knownSequence ?? 0, ledger.backupHead);
  const backup = await verifyBackup(target, which, { ...keys, knownSequence: known }, { readData: true, chunksWhileLoading: !options.verifyFirst });
  try {
    const report = await restoreBackup(target, backup, into.database);
    await inspect?.(backup);
    const kernel = await openKernel(into);
    try {
      const seeded = await seedCheckpointFiles(kernel);
      const erasedAgain = await replayErasures(kernel, [...ledger.erased.keys()]);
      const audit = await verifyAuditChain(kernel);
      return { ...report, erasedAgain, ledgerSegments: ledger.segments, audit, checkpointsKeptAside: seeded.keptAside };
    } finally {
      await kernel.close();
    }
  } finally {
    backup.key.fill(0);
  }
}
