import { type KeyObject, sign, verify } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Kernel } from '../kernel.js';
import { publicKeyId } from './signing-key-id.js';
import { refreshSigningKeys, SigningKeyTrust, signingKeyTrust } from './signing-keys.js';

/**
 * Signed checkpoints: every N minutes or M events, and at every clean shutdown, the newest event's
 * (seq, hash) is signed with the log's Ed25519 key (its private half wrapped by the master key) and
 * written both to the database and to a file outside it. A deleted tail is then detected: a signed
 * checkpoint names an event the log no longer has.
 */
export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  signature: string;
}

const FILE = 'checkpoints.jsonl';
const KEY_FILE = 'audit-public-key.pem';
export const checkpointMessage = (c: Pick<Checkpoint, 'seq' | 'hash' | 'at'>): Buffer =>
  Buffer.from(`castellan-audit-checkpoint:v1:${c.seq}:${c.hash}:${c.at}`, 'utf8');

export { publicKeyId };

/**
 * The directory outside the database, with the log's public key. The key file is written once, with
 * the first checkpoint; if checkpoints exist but the file or the key file is gone, writing stops
 * loudly instead of starting a new, unverifiable record (copy them back, or point
 * CASTELLAN_AUDIT_CHECKPOINT_DIR at where they are).
 */
async function ensureDir(kernel: Kernel): Promise<string> {
  const dir = kernel.config.auditCheckpoints.dir;
  const keyFile = path.join(dir, KEY_FILE);
  const missing = await missingCheckpointFiles(kernel);
  if (missing) throw new Error(missing);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(keyFile)) writeFileSync(keyFile, (await signingKeyTrust(kernel)).toPem(), { mode: 0o644 });
  return dir;
}

/** Why the record outside the database is incomplete (checkpoints in the database, but no file), or undefined. */
export async function missingCheckpointFiles(kernel: Kernel): Promise<string | undefined> {
  const any = await kernel.db.kysely.selectFrom('audit_checkpoints').select('seq').limit(1).executeTakeFirst();
  if (!any) return undefined;
  const dir = kernel.config.auditCheckpoints.dir;
  for (const name of [FILE, KEY_FILE]) {
    if (!existsSync(path.join(dir, name))) return `the audit checkpoint file ${name} is missing from ${dir}, though the database holds signed checkpoints`;
  }
  return undefined;
}

/** Signs the newest event unless the last checkpoint already covers it; returns the checkpoint written. */
export async function writeCheckpoint(kernel: Kernel): Promise<Checkpoint | undefined> {
  const db = kernel.db.kysely;
  const newest = await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!newest) return undefined;
  const last = await db.selectFrom('audit_checkpoints').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (last && Number(last.seq) >= Number(newest.seq)) return undefined;
  await refreshSigningKeys(kernel);
  const at = new Date().toISOString();
  const body = { seq: Number(newest.seq), hash: newest.hash, at };
  const checkpoint: Checkpoint = {
    ...body,
    keyId: publicKeyId(kernel.keyring.auditPublicKey),
    signature: sign(null, checkpointMessage(body), kernel.keyring.auditSigningKey).toString('base64'),
  };
  const dir = await ensureDir(kernel);
  const fd = openSync(path.join(dir, FILE), 'a', 0o600);
  try {
    appendFileSync(fd, `${JSON.stringify(checkpoint)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  await db
    .insertInto('audit_checkpoints')
    .values({ seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at, key_id: checkpoint.keyId, signature: checkpoint.signature })
    .onConflict((oc) => oc.column('seq').doNothing())
    .execute();
  return checkpoint;
}

/** Checkpoints from the database and from the file, each with where it came from. */
export async function readCheckpoints(kernel: Kernel): Promise<{ db: Checkpoint[]; file: Checkpoint[]; fileKeys: SigningKeyTrust | undefined }> {
  const rows = await kernel.db.kysely.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  const db = rows.map((r) => ({ seq: Number(r.seq), hash: r.hash, at: r.at, keyId: r.key_id, signature: r.signature }));
  const dir = kernel.config.auditCheckpoints.dir;
  const filePath = path.join(dir, FILE);
  const file = existsSync(filePath)
    ? readFileSync(filePath, 'utf8')
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as Checkpoint)
    : [];
  const keyPath = path.join(dir, KEY_FILE);
  const fileKeys = existsSync(keyPath) ? SigningKeyTrust.fromPem(readFileSync(keyPath, 'utf8')) : undefined;
  return { db, file, fileKeys };
}

export const checkpointSignatureValid = (c: Checkpoint, key: KeyObject): boolean => {
  try {
    return verify(null, checkpointMessage(c), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
};

/** Periodic checkpoints in the server process (every N seconds, or sooner after M events). */
export function startCheckpointJob(kernel: Kernel, onError: (error: Error) => void): { stop(): Promise<void> } {
  const { everySeconds, everyEvents } = kernel.config.auditCheckpoints;
  let lastWrite = Date.now();
  const tick = async () => {
    const last = await kernel.db.kysely.selectFrom('audit_checkpoints').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const pending = await kernel.db.kysely
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('seq', '>', Number(last?.seq ?? 0))
      .executeTakeFirst();
    if (Number(pending?.n ?? 0) >= everyEvents || Date.now() - lastWrite >= everySeconds * 1000) {
      await writeCheckpoint(kernel);
      lastWrite = Date.now();
    }
  };
  const timer = setInterval(() => tick().catch(onError), Math.min(10_000, everySeconds * 1000));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await writeCheckpoint(kernel).catch(onError);
    },
  };
}

/**
 * After a restore: the record outside the database starts again from the restored checkpoints (the
 * database's copy, which the backup carried). A file already there (of the installation before the
 * disaster) is kept aside as `checkpoints.jsonl.before-restore-<time>`, never overwritten.
 */
export async function seedCheckpointFiles(kernel: Kernel): Promise<{ checkpoints: number; keptAside: string | null }> {
  const dir = kernel.config.auditCheckpoints.dir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, FILE);
  const keyFile = path.join(dir, KEY_FILE);
  let keptAside: string | null = null;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (existsSync(file)) {
    keptAside = `${file}.before-restore-${stamp}`;
    renameSync(file, keptAside);
  }
  if (existsSync(keyFile)) renameSync(keyFile, `${keyFile}.before-restore-${stamp}`);
  const rows = await kernel.db.kysely.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  const lines = rows.map((r) => JSON.stringify({ seq: Number(r.seq), hash: r.hash, at: r.at, keyId: r.key_id, signature: r.signature } satisfies Checkpoint));
  writeFileSync(file, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
  writeFileSync(keyFile, (await signingKeyTrust(kernel)).toPem(), { mode: 0o644 });
  return { checkpoints: rows.length, keptAside };
}

/** A rotation of the signing key: the key file outside the database lists every version (written whole, synced, then renamed in). */
export async function rewriteCheckpointKeyFile(kernel: Kernel, pem: string): Promise<void> {
  const dir = kernel.config.auditCheckpoints.dir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, KEY_FILE);
  const fd = openSync(`${keyFile}.new`, 'w', 0o644);
  try {
    writeFileSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${keyFile}.new`, keyFile);
}
