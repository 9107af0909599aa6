import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/load-config.js';
import type { BackupTarget } from '../../platform/backup/backup-target.js';
import { localFolderTarget } from '../../platform/backup/local-folder.target.js';
import { sftpTarget } from '../../platform/backup/sftp.target.js';

/**
 * The targets this installation writes its backups to: the local folder (CASTELLAN_BACKUP_DIR), then
 * the SFTP server when CASTELLAN_BACKUP_SFTP_URL is set. An SFTP target holds a connection once used:
 * call `close()` on each target when done with them.
 */
export function configuredTargets(config: Config): BackupTarget[] {
  const targets: BackupTarget[] = [localFolderTarget('local', config.backup.dir)];
  if (config.backup.sftp) targets.push(sftpTarget('sftp', config.backup.sftp));
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
