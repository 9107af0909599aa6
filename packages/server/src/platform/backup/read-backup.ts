import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { type SigningKeyTrust, trustFrom } from '../audit/signing-keys.js';
import type { CipherSuite } from '../crypto/cipher-suite.js';
import { IntegrityError } from '../crypto/integrity-error.js';
import { dataKeyAad } from '../crypto/keyring.js';
import type { MasterKeyProvider } from '../crypto/master-key-provider.js';
import { suiteById } from '../crypto/suites.js';
import { chunkKeys, openChunkAsync } from './backup-chunk.js';
import { type BackupPrivateKey, openBackupKey } from './backup-key.js';
import { type BackupManifest, type BackupTable, ManifestError, manifestHash, readManifest } from './backup-manifest.js';
import { type BackupTarget, backupFolder, parseBackupFolder } from './backup-target.js';
import type { DecodedValue } from './copy-text-codec.js';
import { ThreadedRowChecksum } from './line-digest-thread.js';
import { chunkLines, rowFormat } from './row-format.js';

/** Why a backup is refused: the message names what failed (signature, chain, chunk, count, checksum, key). */
export class BackupRefused extends Error {}

export interface TrustedKeys {
  /** The audit log's Ed25519 keys (audit/signing-keys.ts): manifests and ledger segments must be signed by one of them. */
  signing: SigningKeyTrust;
  /** Opens backups sealed under the master key. */
  provider?: MasterKeyProvider;
  /** Opens backups sealed to a backup public key (asymmetric mode). */
  privateKey?: BackupPrivateKey;
  /** The highest sequence this installation knows it wrote (from backup_runs): a target whose chain ends below it was rolled back. */
  knownSequence?: number;
}

export interface ListedBackup {
  sequence: number;
  backupId: string;
  /** good: manifest present and signed; incomplete: chunks without a manifest (an interrupted run); invalid: the manifest does not verify. */
  state: 'good' | 'incomplete' | 'invalid' | 'pruned';
  createdAt: string | null;
  rows: number | null;
  bytes: number | null;
  problem?: string;
}

async function folders(target: BackupTarget): Promise<{ sequence: number; backupId: string; folder: string }[]> {
  const names = await target.list('backups/');
  return names.flatMap((name) => {
    const parsed = parseBackupFolder(name);
    return parsed ? [{ ...parsed, folder: `backups/${name}` }] : [];
  });
}

/**
 * The newest backup on any of the targets that has a manifest: its sequence and manifest hash, the next
 * backup's predecessor. The next manifest vouches for it, so one signed by a key since revoked is taken
 * only if this installation recorded finishing that backup (`written`: "sequence:backupId" of its good
 * runs) and it was made before the revocation; otherwise the chain is not extended over what may be a
 * forgery.
 */
export async function chainHead(
  targets: BackupTarget[],
  trust: SigningKeyTrust,
  written: Set<string>,
): Promise<{ sequence: number; manifestHash: string } | undefined> {
  let head: { sequence: number; manifestHash: string } | undefined;
  for (const target of targets) {
    const found = await folders(target).catch(() => []);
    for (const f of found.reverse()) {
      if (head && f.sequence <= head.sequence) break;
      if (!(await target.exists(`${f.folder}manifest.json`))) continue;
      const file = await target.get(`${f.folder}manifest.json`);
      const hash = manifestHash(file);
      let read: { manifest: BackupManifest; keyId: string } | undefined;
      try {
        read = readManifest(file, trust.resolveEvenRevoked);
      } catch {
        read = undefined;
      }
      const revokedAt = read && trust.entry(read.keyId)?.revokedAt;
      if (read && revokedAt && (!written.has(`${f.sequence}:${f.backupId}`) || read.manifest.createdAt >= revokedAt))
        throw new BackupRefused(
          `the newest backup on target ${target.name} (${f.sequence}) is signed by a revoked key and is not one this installation wrote: it is not extended`,
        );
      head = { sequence: f.sequence, manifestHash: hash };
      break;
    }
  }
  return head;
}

/** Every backup on a target, oldest first, each with whether its manifest is there and verifies. */
export async function listBackups(target: BackupTarget, trust: SigningKeyTrust): Promise<ListedBackup[]> {
  const listed: ListedBackup[] = [];
  /** Backups signed by a revoked key, not yet vouched for by a later one signed by a trusted key. */
  let unvouched: { at: number; problem: string }[] = [];
  for (const f of await folders(target)) {
    const base = { sequence: f.sequence, backupId: f.backupId };
    if (!(await target.exists(`${f.folder}manifest.json`))) {
      listed.push({ ...base, state: 'incomplete', createdAt: null, rows: null, bytes: null });
      continue;
    }
    try {
      const { manifest: m, keyId } = readManifest(await target.get(`${f.folder}manifest.json`), trust.resolveEvenRevoked);
      const pruned = await target.exists(`${f.folder}pruned.json`);
      listed.push({ ...base, state: pruned ? 'pruned' : 'good', createdAt: m.createdAt, rows: m.totals.rows, bytes: m.totals.bytes });
      if (trust.trusts(keyId)) unvouched = [];
      else unvouched.push({ at: listed.length - 1, problem: trust.unvouched(keyId, 'the manifest') as string });
    } catch (error) {
      listed.push({ ...base, state: 'invalid', createdAt: null, rows: null, bytes: null, problem: (error as Error).message });
    }
  }
  for (const { at, problem } of unvouched) listed[at] = { ...(listed[at] as ListedBackup), state: 'invalid', problem };
  return listed;
}

/**
 * Checks the chain of manifests on the target up to and including `sequence`: each signed, each in
 * its own folder (sequence and id as the folder names them: a manifest copied over a newer one is
 * refused), each naming the hash of the one before (a removed or replaced backup is a gap); and the chain
 * must reach as far as this installation knows it wrote (a target rolled back to older backups is refused).
 * A manifest signed by a key since revoked as compromised counts only when a later manifest in the
 * chain, signed by a trusted key, vouches for it through the hash links (the chain is followed past
 * `sequence` as far as that takes).
 */
async function checkChain(target: BackupTarget, keys: TrustedKeys, upTo: number): Promise<Map<number, { manifest: BackupManifest; hash: string }>> {
  const chain = new Map<number, { manifest: BackupManifest; hash: string }>();
  let previous: { sequence: number; hash: string } | undefined;
  let newest = 0;
  /** The first manifest in the chain signed by a revoked key that no trusted one has vouched for yet. */
  let unvouched: string | undefined;
  for (const f of await folders(target)) {
    if (!(await target.exists(`${f.folder}manifest.json`))) continue;
    newest = Math.max(newest, f.sequence);
    if (f.sequence > upTo && !unvouched) continue;
    const beyond = f.sequence > upTo;
    const file = await target.get(`${f.folder}manifest.json`);
    let manifest: BackupManifest;
    let keyId: string;
    try {
      ({ manifest, keyId } = readManifest(file, keys.signing.resolveEvenRevoked));
    } catch (error) {
      if (beyond) break;
      throw new BackupRefused(`backup ${f.sequence} (${f.backupId}): ${(error as Error).message}`);
    }
    if (manifest.sequence !== f.sequence || manifest.backupId !== f.backupId) {
      if (beyond) break;
      throw new BackupRefused(
        `the folder of backup ${f.sequence} (${f.backupId}) holds the manifest of backup ${manifest.sequence} (${manifest.backupId}): a replayed or moved manifest`,
      );
    }
    // Sequence numbers only grow; a run that crashed left a folder without a manifest and its number
    // unused. The hash link is what proves nothing between two manifests was removed or replaced.
    if (!previous && manifest.previousManifestHash !== null)
      throw new BackupRefused(
        `backup ${f.sequence} names a predecessor that target ${target.name} does not hold: a backup before it was removed (manifests are kept for good, pruning removes only chunks)`,
      );
    if (previous && manifest.previousManifestHash !== previous.hash) {
      if (beyond) break;
      throw new BackupRefused(
        `backup ${f.sequence} does not name backup ${previous.sequence} as its predecessor: a backup between them was removed, or the chain was altered or replayed`,
      );
    }
    const hash = manifestHash(file);
    if (keys.signing.trusts(keyId)) unvouched = undefined;
    else unvouched ??= keys.signing.unvouched(keyId, `backup ${f.sequence} (${f.backupId})`);
    if (!beyond) chain.set(f.sequence, { manifest, hash });
    previous = { sequence: f.sequence, hash };
  }
  if (unvouched) throw new BackupRefused(unvouched);
  if (keys.knownSequence !== undefined && newest < keys.knownSequence)
    throw new BackupRefused(
      `target ${target.name} ends at backup ${newest}, but this installation wrote backup ${keys.knownSequence}: newer backups were removed (a rollback)`,
    );
  return chain;
}

export interface VerifiedBackup {
  manifest: BackupManifest;
  folder: string;
  suite: CipherSuite;
  key: Buffer;
}

/**
 * Finds a backup by id, by sequence number, or `latest`, and verifies it: the signature, the chain and
 * the key always; with readData every chunk is also opened and every count and checksum compared.
 * `chunksWhileLoading` (restore) leaves the chunks to the one pass that loads them: every chunk is then
 * authenticated before its rows reach the database, and each table's count and checksum compared
 * before the load commits (checkedChunks), so a failure still leaves nothing behind.
 */
export async function verifyBackup(
  target: BackupTarget,
  which: string,
  keys: TrustedKeys,
  options: { readData: boolean; chunksWhileLoading?: boolean },
): Promise<VerifiedBackup> {
  const all = (await folders(target)).filter((f) => f.folder);
  const withManifest: typeof all = [];
  for (const f of all) if (await target.exists(`${f.folder}manifest.json`)) withManifest.push(f);
  const chosen =
    which === 'latest'
      ? withManifest.at(-1)
      : (withManifest.find((f) => f.backupId === which) ?? withManifest.find((f) => String(f.sequence) === which.replace(/^#/, '')));
  if (!chosen) {
    const incomplete = all.find((f) => f.backupId === which);
    throw new BackupRefused(
      incomplete
        ? `backup ${which} was never finished (no manifest: the run was interrupted)`
        : which === 'latest'
          ? `target ${target.name} holds no finished backup`
          : `no backup ${which} on target ${target.name}`,
    );
  }
  if (await target.exists(`${chosen.folder}pruned.json`))
    throw new BackupRefused(`backup ${chosen.sequence} was pruned: its manifest is kept for the chain, its data is gone`);
  const chain = await checkChain(target, keys, chosen.sequence);
  const entry = chain.get(chosen.sequence);
  if (!entry) throw new BackupRefused(`backup ${chosen.sequence} is not in the chain`);
  const { manifest } = entry;
  let suite: CipherSuite;
  try {
    suite = suiteById(manifest.suite);
  } catch {
    throw new BackupRefused(`backup ${manifest.sequence} names an unknown cipher suite "${manifest.suite}"`);
  }
  let key: Buffer = Buffer.alloc(0);
  // An asymmetric backup's key opens only with the offline private key: without it (and without
  // --read-data) the signature, the chain and every chunk's presence and size are still checked.
  if (options.readData || manifest.key.mode === 'master' || keys.privateKey) {
    try {
      key = await openBackupKey(manifest.backupId, manifest.key, keys);
    } catch (error) {
      throw new BackupRefused(`backup ${manifest.sequence}: ${(error as Error).message}`);
    }
  }
  const verified = { manifest, folder: backupFolder(manifest.sequence, manifest.backupId), suite, key };
  if (options.readData && options.chunksWhileLoading) return verified;
  const chunksOf = chunksInOrder(target, verified, options.readData);
  for (const table of manifest.tables) {
    if (options.readData) for await (const _ of checkedChunks(table, chunksOf(table.name)));
    else for await (const _ of chunksOf(table.name));
  }
  return verified;
}

/** Chunks fetched and opened ahead of the one being consumed, across table boundaries. */
const CHUNKS_AHEAD = 2;

/**
 * The chunks of `tables` in order, each checked (size always; tag, name and a whole last row when
 * `open`, else its text is null), CHUNKS_AHEAD of them fetched and opened (decompressed on the thread
 * pool) while the current one is consumed.
 */
async function* chunkSequence(
  target: BackupTarget,
  backup: VerifiedBackup,
  tables: readonly BackupTable[],
  open: boolean,
): AsyncGenerator<{ table: string; text: Buffer | null }> {
  const keys = chunkKeys(backup.key);
  const all = tables.flatMap((table) => table.chunks.map((chunk, index) => ({ table, chunk, index })));
  const fetchChunk = async ({ table, chunk, index }: (typeof all)[number]): Promise<Buffer | null> => {
    const where = `chunk ${index + 1} of table ${table.name}`;
    let bytes: Buffer;
    try {
      bytes = await target.get(`${backup.folder}chunks/${chunk.id}`);
    } catch {
      throw new BackupRefused(`${where} is missing from target ${target.name}`);
    }
    if (bytes.length !== chunk.size) throw new BackupRefused(`${where} has ${bytes.length} bytes, its manifest says ${chunk.size}: truncated or altered`);
    if (!open) return null;
    let plaintext: Buffer;
    try {
      plaintext = await openChunkAsync(backup.suite, keys, { backupId: backup.manifest.backupId, table: table.name, index }, chunk.id, bytes);
    } catch (error) {
      throw new BackupRefused(error instanceof IntegrityError ? error.message : `${where} does not open`);
    }
    if (plaintext[plaintext.length - 1] !== 10) throw new BackupRefused(`${where} does not end with a whole row`);
    return plaintext;
  };
  const inFlight: Promise<Buffer | null>[] = [];
  let started = 0;
  const topUp = () => {
    while (started < all.length && inFlight.length < CHUNKS_AHEAD) {
      const next = fetchChunk(all[started] as (typeof all)[number]);
      // A refusal of a chunk read ahead surfaces when it is awaited, not as an unhandled rejection meanwhile.
      next.catch(() => undefined);
      inFlight.push(next);
      started += 1;
    }
  };
  for (const { table } of all) {
    topUp();
    const text = await (inFlight.shift() as Promise<Buffer | null>);
    topUp();
    yield { table: table.name, text };
  }
}

/**
 * For reading a whole backup table after table in the manifest's order, with the chunks read ahead
 * across tables: the returned function gives one table's chunks (null texts when not `open`) and must
 * be called for the tables in that order, each read to its end before the next.
 */
export function chunksInOrder(target: BackupTarget, backup: VerifiedBackup, open = true): (tableName: string) => AsyncGenerator<Buffer> {
  const sequence = chunkSequence(target, backup, backup.manifest.tables, open);
  let held: { table: string; text: Buffer | null } | undefined;
  let position = 0;
  const order = backup.manifest.tables.map((t) => t.name);
  return async function* (tableName: string) {
    const at = order.indexOf(tableName, position);
    if (at === -1) throw new Error(`table ${tableName} is read out of the backup's order`);
    position = at + 1;
    for (;;) {
      const item = held ?? (await sequence.next()).value;
      held = undefined;
      if (!item) return;
      if (item.table !== tableName) {
        if (order.indexOf(item.table) < at) throw new Error(`table ${item.table} was not read to its end before table ${tableName}`);
        held = item;
        return;
      }
      if (item.text) yield item.text;
    }
  };
}

/**
 * The rows of one table as the text of each chunk (whole lines, each ending with a line feed), each chunk
 * checked (size always; tag, name and decoding when `open`; with `open` false nothing is yielded).
 */
export async function* tableChunks(target: BackupTarget, backup: VerifiedBackup, tableName: string, open = true): AsyncGenerator<Buffer> {
  const table = backup.manifest.tables.find((t) => t.name === tableName);
  if (!table) throw new BackupRefused(`backup ${backup.manifest.sequence} holds no table ${tableName}`);
  for await (const { text } of chunkSequence(target, backup, [table], open)) if (text) yield text;
}

/**
 * A table's chunks as `chunks` gives them, and after the last one the table's row count and checksum
 * compared with the manifest's: a mismatch throws instead of ending the stream.
 */
export async function* checkedChunks(table: BackupTable, chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // Each chunk's lines are hashed on the checksum thread while it is consumed here.
  const summing = new ThreadedRowChecksum(CHUNKS_AHEAD);
  for await (const text of chunks) {
    await summing.add(text);
    yield text;
  }
  const checksum = await summing.total();
  if (checksum.rows !== table.rows) throw new BackupRefused(`table ${table.name} holds ${checksum.rows} rows, its manifest says ${table.rows}`);
  if (checksum.hex !== table.checksum) throw new BackupRefused(`table ${table.name}: the rows do not match the manifest's checksum`);
}

/** A table's rows, decoded, a chunk's worth at a time, from its chunks as `chunks` gives them. */
export async function* decodedPages(backup: VerifiedBackup, table: BackupTable, chunks: AsyncIterable<Buffer>): AsyncGenerator<DecodedValue[][]> {
  const format = rowFormat(backup.manifest, table);
  for await (const text of chunks) {
    try {
      yield chunkLines(text).map(format.decode);
    } catch (error) {
      throw new BackupRefused(`table ${table.name}: ${(error as Error).message}`);
    }
  }
}

/** The rows of one table, decoded, a chunk's worth at a time, its count and checksum compared after the last (checkedChunks). */
export async function* tableRowPages(target: BackupTarget, backup: VerifiedBackup, tableName: string): AsyncGenerator<DecodedValue[][]> {
  const table = backup.manifest.tables.find((t) => t.name === tableName);
  if (!table) throw new BackupRefused(`backup ${backup.manifest.sequence} holds no table ${tableName}`);
  yield* decodedPages(backup, table, checkedChunks(table, tableChunks(target, backup, tableName)));
}

/** The rows of one table, decoded, one at a time. */
export async function* tableRows(target: BackupTarget, backup: VerifiedBackup, tableName: string): AsyncGenerator<DecodedValue[]> {
  for await (const page of tableRowPages(target, backup, tableName)) yield* page;
}

/**
 * The audit keys of the installation a backup came from, when no copy of them survived (a disaster
 * took the data directory): read from the backup's own `data_keys` (every signing version) and
 * `audit_key_revocations`, and accepted only because the master key unwraps them — whoever lacks
 * the master key cannot make a signing key this installation accepts. The manifests' signatures are
 * then checked against them as usual.
 */
export async function auditKeysFromBackup(
  target: BackupTarget,
  which: string,
  keys: { provider: MasterKeyProvider; privateKey?: BackupPrivateKey },
): Promise<SigningKeyTrust> {
  const found = (await folders(target)).filter((f) => f.backupId === which || String(f.sequence) === which || which === 'latest');
  for (const f of found.reverse()) {
    if (!(await target.exists(`${f.folder}manifest.json`))) continue;
    let manifest: BackupManifest;
    try {
      manifest = (JSON.parse((await target.get(`${f.folder}manifest.json`)).toString('utf8')) as { body: BackupManifest }).body;
      if (manifest.backupId !== f.backupId) throw new Error('moved');
    } catch {
      throw new BackupRefused(`the manifest of backup ${f.sequence} is not readable`);
    }
    let key: Buffer;
    try {
      key = await openBackupKey(manifest.backupId, manifest.key, keys);
    } catch (error) {
      throw new BackupRefused(`backup ${manifest.sequence}: ${(error as Error).message}`);
    }
    const backup = { manifest, folder: f.folder, suite: suiteById(manifest.suite), key };
    const rowsOf = async function* (name: string) {
      const table = manifest.tables.find((t) => t.name === name);
      if (!table) return;
      for await (const values of tableRows(target, backup, name)) yield Object.fromEntries(table.columns.map((c, i) => [c, values[i]]));
    };
    const publicKeys: { version: number; publicKey: KeyObject }[] = [];
    for await (const row of rowsOf('data_keys')) {
      if (row.purpose !== 'audit_signing') continue;
      const version = Number(row.version);
      try {
        const der = await keys.provider.unwrap(row.wrapped as Buffer, dataKeyAad('audit_signing', version));
        publicKeys.push({ version, publicKey: createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) });
      } catch {
        throw new BackupRefused(`the master key (${keys.provider.keyId}) does not open the audit signing key inside backup ${manifest.sequence}`);
      }
    }
    if (publicKeys.length === 0) break;
    const revocations: { version: number; revoked_at: string }[] = [];
    for await (const row of rowsOf('audit_key_revocations')) revocations.push({ version: Number(row.version), revoked_at: String(row.revoked_at) });
    return trustFrom(
      publicKeys.sort((a, b) => a.version - b.version),
      revocations,
    );
  }
  throw new BackupRefused(`no audit signing key found in backup ${which}: give the audit public key (--public-key audit-public-key.pem)`);
}

export { ManifestError };
