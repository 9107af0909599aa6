import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/load-config.js';
import type { BackupTarget } from '../../platform/backup/backup-target.js';
import { localFolderTarget } from '../../platform/backup/local-folder.target.js';
import { s3Target } from '../../platform/backup/s3.target.js';

/** The targets this installation writes its backups to (CASTELLAN_BACKUP_DIR: the local folder; CASTELLAN_BACKUP_S3_*: a bucket). */
export function configuredTargets(config: Config): BackupTarget[] {
  const targets: BackupTarget[] = [localFolderTarget('local', config.backup.dir)];
  if (config.backup.s3) targets.push(s3Target('s3', config.backup.s3));
  return targets;
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
