/**
 * Where backups are kept: a local folder, an SFTP server or an S3-compatible bucket. Paths are
 * relative and use `/`; `put` is atomic (an object appears whole or not at all), so a backup whose
 * manifest is missing was never finished and does not list as good.
 */
export interface BackupTarget {
  readonly name: string;
  readonly kind: 'local' | 'sftp' | 's3';
  /** True when the target refuses deletes and overwrites (object lock, append-only): pruning is then by time only. */
  readonly appendOnly: boolean;
  put(path: string, bytes: Buffer): Promise<void>;
  get(path: string): Promise<Buffer>;
  /** The paths directly below `prefix` (folders end with `/`), sorted. */
  list(prefix: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  /** Removes a path and everything below it. */
  remove(path: string): Promise<void>;
  /** Releases the target's connections (an S3 client, an SFTP session); the target is not used after. */
  close?(): Promise<void>;
}

export class TargetMissingError extends Error {}

/** The folder of one backup on every target: its sequence number (zero-padded, so names sort) and id. */
export const backupFolder = (sequence: number, backupId: string): string => `backups/${String(sequence).padStart(8, '0')}-${backupId}/`;

export function parseBackupFolder(name: string): { sequence: number; backupId: string } | undefined {
  const match = /^(\d{8})-([A-Za-z0-9_-]{8,64})\/$/.exec(name);
  return match ? { sequence: Number(match[1]), backupId: match[2] as string } : undefined;
}
