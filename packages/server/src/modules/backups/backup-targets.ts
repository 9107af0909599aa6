import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/load-config.js';
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

/** Asymmetric mode's X25519 public key (CASTELLAN_BACKUP_PUBLIC_KEY_FILE), or null for backups sealed under the master key. */
export function backupPublicKey(config: Config): KeyObject | null {
  if (!config.backup.publicKeyFile) return null;
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(config.backup.publicKeyFile, 'utf8'));
  } catch {
    throw new Error(`CASTELLAN_BACKUP_PUBLIC_KEY_FILE: cannot read an X25519 public key from ${config.backup.publicKeyFile}`);
  }
  if (key.asymmetricKeyType !== 'x25519')
    throw new Error('CASTELLAN_BACKUP_PUBLIC_KEY_FILE: the key must be an X25519 public key (openssl genpkey -algorithm X25519)');
  return key;
}
