import type { Config } from '../../config/load-config.js';
import { type BackupPublicKey, backupKeyMode } from '../../platform/backup/backup-key.js';
import { readBackupKeyFile } from '../../platform/backup/backup-key-file.js';
import type { BackupTarget } from '../../platform/backup/backup-target.js';
import { localFolderTarget } from '../../platform/backup/local-folder.target.js';
import { s3Target } from '../../platform/backup/s3.target.js';
import { sftpTarget } from '../../platform/backup/sftp.target.js';

/**
 * The targets this installation writes its backups to, in parallel: the local folder
 * (CASTELLAN_BACKUP_DIR), the SFTP server (CASTELLAN_BACKUP_SFTP_*) and the S3-compatible bucket
 * (CASTELLAN_BACKUP_S3_*) when configured. SFTP and S3 hold connections: use withTargets, which closes them.
 */
export function configuredTargets(config: Config): BackupTarget[] {
  const targets: BackupTarget[] = [localFolderTarget('local', config.backup.dir)];
  if (config.backup.sftp) targets.push(sftpTarget('sftp', config.backup.sftp));
  if (config.backup.s3) targets.push(s3Target('s3', config.backup.s3));
  return targets;
}

/** Runs `work` with the configured targets and closes their connections after, whatever happens. */
export async function withTargets<T>(config: Config, work: (targets: BackupTarget[]) => Promise<T>): Promise<T> {
  const targets = configuredTargets(config);
  try {
    return await work(targets);
  } finally {
    await Promise.all(targets.map((t) => t.close?.().catch(() => undefined)));
  }
}

/**
 * Asymmetric mode's public key (CASTELLAN_BACKUP_PUBLIC_KEY_FILE): X25519, or SM2 (the 国密 choice;
 * either is accepted under either suite), or null for backups sealed under the master key.
 */
export function backupPublicKey(config: Config): BackupPublicKey | null {
  if (!config.backup.publicKeyFile) return null;
  try {
    return readBackupKeyFile(config.backup.publicKeyFile, 'public');
  } catch (error) {
    throw new Error(`CASTELLAN_BACKUP_PUBLIC_KEY_FILE: ${(error as Error).message}`);
  }
}

/** The key mode the backups overview reports: master, or the kind of the configured backup public key. */
export function keyModeOf(config: Config): 'master' | 'x25519' | 'sm2' {
  const key = backupPublicKey(config);
  return key ? backupKeyMode(key) : 'master';
}
