import { createHash, type KeyObject } from 'node:crypto';
import type { SigningKeyResolver } from '../audit/signing-keys.js';
import type { SuiteId } from '../crypto/cipher-suite.js';
import type { DialectKind } from '../db/database.js';
import type { SealedBackupKey } from './backup-key.js';
import type { ColumnKind } from './copy-text-codec.js';
import { readSignedJson, signJson } from './signed-json.js';

/**
 * The manifest of one backup: what it holds and how to check it, signed with the audit log's
 * Ed25519 key. It names the tables (columns, row counts, an order-independent checksum of the rows,
 * the chunks in order), the schema (the migrations applied), the audit chain's head and its signed
 * checkpoint, the sealed per-backup key, and its place in the chain of backups (a monotonic sequence
 * number and the hash of the previous manifest), so that a replayed older manifest or a gap is seen.
 */
export const manifestFormat = 'castellan-backup-manifest';

export interface BackupChunkRef {
  /** The keyed hash of the chunk's plaintext (HMAC under a key derived from the backup key): its name on the target. */
  id: string;
  /** Bytes of the encrypted chunk as stored. */
  size: number;
}

export interface BackupTable {
  name: string;
  columns: string[];
  /** Version 2: each column's kind (text, integer, bytes), which tells how its COPY text value decodes. */
  kinds?: ColumnKind[];
  rows: number;
  /** Order-independent checksum of the rows (hex): the sum of each row's SHA-256 modulo 2^128. */
  checksum: string;
  chunks: BackupChunkRef[];
}

export interface BackupManifest {
  format: typeof manifestFormat;
  /** 1: rows as JSON lines (row-codec.ts), still read; 2: rows as COPY text lines (copy-text-codec.ts), written now. */
  version: 1 | 2;
  backupId: string;
  sequence: number;
  previousManifestHash: string | null;
  createdAt: string;
  dialect: DialectKind;
  suite: SuiteId;
  migrations: string[];
  /** The newest audit event in the snapshot, and the newest signed checkpoint at or before it. */
  auditHead: { seq: number; hash: string } | null;
  auditCheckpoint: { seq: number; hash: string; at: string; signature: string } | null;
  /** A random value written into `settings` just before the snapshot; a drill checks the restored copy holds it. */
  sentinel: string;
  key: SealedBackupKey;
  tables: BackupTable[];
  totals: { rows: number; chunks: number; bytes: number };
}

const DOMAIN = 'castellan-backup-manifest:v1';

/** The manifest file, signed (signed-json.ts). */
export const signManifest = (manifest: BackupManifest, key: KeyObject, keyId: string): Buffer => signJson(DOMAIN, manifest, key, keyId);

/** The hash that the next backup's manifest names as its predecessor. */
export const manifestHash = (file: Buffer): string => createHash('sha256').update(file).digest('hex');

export class ManifestError extends Error {}

/**
 * Parses a manifest file and checks its form and its signature by a key `resolve` knows; answers the
 * manifest and the key that signed it (the chain check decides whether a revoked one is vouched for).
 * Throws ManifestError naming what failed.
 */
export function readManifest(file: Buffer, resolve: SigningKeyResolver): { manifest: BackupManifest; keyId: string } {
  let manifest: BackupManifest;
  let keyId: string;
  try {
    ({ body: manifest, keyId } = readSignedJson<BackupManifest>(DOMAIN, file, resolve, 'the manifest'));
  } catch (error) {
    throw new ManifestError((error as Error).message);
  }
  if (manifest.format !== manifestFormat || (manifest.version !== 1 && manifest.version !== 2))
    throw new ManifestError('the manifest is not a Castellan backup manifest of version 1 or 2');
  if (manifest.version === 2) {
    for (const table of manifest.tables)
      if (!Array.isArray(table.kinds) || table.kinds.length !== table.columns.length)
        throw new ManifestError(`the manifest does not give the kind of every column of table ${table.name}`);
  }
  return { manifest, keyId };
}
