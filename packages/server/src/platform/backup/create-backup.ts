import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { signingKeyTrust } from '../audit/signing-keys.js';
import type { Actor } from '../authz/actor.js';
import { newId, nowIso } from '../data/ids.js';
import type { Kernel } from '../kernel.js';
import { chunkKeys, sealChunkAsync } from './backup-chunk.js';
import { type BackupPublicKey, newBackupKey } from './backup-key.js';
import { type BackupManifest, type BackupTable, manifestFormat, signManifest } from './backup-manifest.js';
import { type BackupTarget, backupFolder } from './backup-target.js';
import { syncErasureLedger } from './erasure-ledger.js';
import { ThreadedRowChecksum } from './line-digest-thread.js';
import { chainHead } from './read-backup.js';
import { openSnapshot } from './snapshot-reader.js';

type AnyDb = Kysely<any>;

export interface TargetOutcome {
  target: string;
  ok: boolean;
  retries: number;
  failure?: string;
}

export interface BackupRun {
  id: string;
  sequence: number;
  status: 'good' | 'failed';
  createdAt: string;
  rows: number;
  chunks: number;
  bytes: number;
  targets: TargetOutcome[];
  manifestHash: string | null;
}

export interface CreateOptions {
  kind: 'manual' | 'scheduled';
  /** Plaintext bytes per chunk before compression (4 MiB; tests use less to get many chunks). */
  chunkBytes?: number;
  /** Asymmetric mode: seal the backup key to this X25519 or SM2 public key. */
  publicKey?: BackupPublicKey | null;
  /** Tests: called after each chunk is stored (a crash injected here leaves no finished backup). */
  afterChunk?: (written: number) => Promise<void> | void;
}

const ATTEMPTS = 3;

/** Writes one object to a target, reads it back and compares: a failing or corrupting target is retried, then given up. */
async function storeVerified(target: BackupTarget, path: string, bytes: Buffer, outcome: TargetOutcome): Promise<void> {
  const expected = createHash('sha256').update(bytes).digest('hex');
  for (let attempt = 1; ; attempt += 1) {
    try {
      await target.put(path, bytes);
      const back = await target.get(path);
      if (createHash('sha256').update(back).digest('hex') !== expected) throw new Error(`${path} read back differs from what was written`);
      return;
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      outcome.retries += 1;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Writes to every target still working, in parallel; a target that fails after its retries drops out, the others go on. */
async function storeEverywhere(targets: BackupTarget[], outcomes: Map<string, TargetOutcome>, path: string, bytes: Buffer): Promise<void> {
  await Promise.all(
    targets.map(async (target) => {
      const outcome = outcomes.get(target.name) as TargetOutcome;
      if (!outcome.ok) return;
      try {
        await storeVerified(target, path, bytes, outcome);
      } catch (error) {
        outcome.ok = false;
        outcome.failure = error instanceof Error ? error.message : String(error);
      }
    }),
  );
}

/** Chunks being sealed or stored at once while the snapshot is read on. */
const IN_FLIGHT = 3;

/**
 * `castellan backup create`: one consistent snapshot of every table, streamed into sealed chunks
 * written to every target in parallel, then the signed manifest last (so a crash leaves no backup
 * that lists as good). The run, its sequence and per-target outcome are recorded, with audit events.
 */
export async function createBackup(kernel: Kernel, actor: Actor, context: RequestContext, targets: BackupTarget[], options: CreateOptions): Promise<BackupRun> {
  if (targets.length === 0) throw new Error('no backup target is configured');
  const db = kernel.db.kysely as unknown as AnyDb;
  const id = newId();
  const createdAt = nowIso();
  // Each target holds its own chain of manifests (a target added later starts its own); the sequence is shared.
  const trust = await signingKeyTrust(kernel);
  const goodRuns = await db.selectFrom('backup_runs').select(['sequence', 'id']).where('status', '=', 'good').execute();
  const finished = new Set(goodRuns.map((r) => `${Number(r.sequence)}:${r.id}`));
  // A target whose chain cannot be extended (its newest manifest signed by a revoked key, or unreadable)
  // drops out with its reason, as one that fails mid-upload does; the others still take the backup.
  const refusals = new Map<string, string>();
  const heads = new Map(
    await Promise.all(
      targets.map(async (t) => {
        try {
          return [t.name, await chainHead([t], trust, finished)] as const;
        } catch (error) {
          refusals.set(t.name, error instanceof Error ? error.message : String(error));
          return [t.name, undefined] as const;
        }
      }),
    ),
  );
  const recorded = await db
    .selectFrom('backup_runs')
    .select((eb) => eb.fn.max('sequence').as('max'))
    .executeTakeFirst();
  const sequence = Math.max(Number(recorded?.max ?? 0), ...[...heads.values()].map((h) => h?.sequence ?? 0)) + 1;
  const sentinel = randomBytes(16).toString('hex');
  const { key, sealed } = await newBackupKey(id, kernel.suite, kernel.keyring.provider, options.publicKey ?? null);
  await kernel.transaction(async (tx) => {
    const trx = tx.trx as unknown as AnyDb;
    await trx.updateTable('backup_runs').set({ status: 'interrupted' }).where('status', '=', 'running').execute();
    await trx
      .insertInto('backup_runs')
      .values({ id, sequence, kind: options.kind, status: 'running', started_at: createdAt, key_mode: sealed.mode, targets: '[]' })
      .execute();
    await trx
      .insertInto('settings')
      .values({ key: 'backup_sentinel', value: sentinel })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: sentinel }))
      .execute();
    await tx.audit(actor, context, {
      action: 'backup.started',
      outcome: 'success',
      resource: 'backup_runs',
      resourceId: id,
      detail: { sequence, kind: options.kind },
    });
  });

  const outcomes = new Map(
    targets.map((t) => {
      const refusal = refusals.get(t.name);
      return [t.name, (refusal ? { target: t.name, ok: false, retries: 0, failure: refusal } : { target: t.name, ok: true, retries: 0 }) as TargetOutcome];
    }),
  );
  const folder = backupFolder(sequence, id);
  const keys = chunkKeys(key);
  const chunkBytes = options.chunkBytes ?? 4 * 1024 * 1024;
  const tables: BackupTable[] = [];
  let written = 0;
  let bytes = 0;
  let manifestHashValue: string | null = null;
  try {
    if (refusals.size === targets.length) throw new Error(`every backup target failed: ${[...refusals.values()].join('; ')}`);
    const snapshot = await openSnapshot(kernel.config.database);
    let manifest: BackupManifest;
    try {
      const first = (sqlText: string) => snapshot.query(sqlText).then((rows) => rows[0]);
      const migrations = (await snapshot.query('SELECT name FROM kysely_migration ORDER BY name')).map(([n]) => String(n));
      const auditHead = await first('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
      const checkpoint = auditHead
        ? await first(`SELECT seq, hash, at, signature FROM audit_checkpoints WHERE seq <= ${Number(auditHead[0])} ORDER BY seq DESC LIMIT 1`)
        : undefined;
      const seenSentinel = await first("SELECT value FROM settings WHERE key = 'backup_sentinel'");
      if (seenSentinel?.[0] !== sentinel) throw new Error('the snapshot does not hold the sentinel written just before it');
      for await (const table of snapshot.tables()) {
        const entry: BackupTable = { name: table.name, columns: table.columns, kinds: table.kinds, rows: 0, checksum: '', chunks: [] };
        const summing = new ThreadedRowChecksum(8);
        let pieces: Buffer[] = [];
        let size = 0;
        let queued = 0;
        // Up to IN_FLIGHT chunks are compressed and sealed (on the thread pool) while the next is read and
        // encoded; they are stored one after another, in order, so each target sees one write at a time.
        const inFlight: Promise<void>[] = [];
        let stored: Promise<void> = Promise.resolve();
        const flush = async () => {
          if (pieces.length === 0) return;
          const plaintext = Buffer.concat(pieces, size);
          pieces = [];
          size = 0;
          const index = queued++;
          if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
          const sealing = sealChunkAsync(kernel.suite, keys, { backupId: id, table: table.name, index }, plaintext);
          const previous = stored;
          stored = (async () => {
            const chunk = await sealing;
            await previous;
            await storeEverywhere(targets, outcomes, `${folder}chunks/${chunk.id}`, chunk.bytes);
            if (![...outcomes.values()].some((o) => o.ok)) throw new Error('every backup target failed');
            entry.chunks[index] = { id: chunk.id, size: chunk.bytes.length };
            written += 1;
            bytes += chunk.bytes.length;
            await options.afterChunk?.(written);
          })();
          // Awaited by a later flush or at the end of the table; this only keeps a failure from being reported as unhandled meanwhile.
          stored.catch(() => undefined);
          sealing.catch(() => undefined);
          inFlight.push(stored);
        };
        // The snapshot's pieces hold whole lines; a chunk ends at the first line end at or after chunkBytes.
        for await (const piece of table.lines) {
          await summing.add(piece);
          let rest = piece;
          while (size + rest.length >= chunkBytes) {
            const end = rest.indexOf(10, Math.max(0, chunkBytes - size - 1)) + 1;
            pieces.push(rest.subarray(0, end));
            size += end;
            rest = rest.subarray(end);
            await flush();
          }
          if (rest.length > 0) {
            pieces.push(rest);
            size += rest.length;
          }
        }
        await flush();
        await stored;
        const checksum = await summing.total();
        entry.rows = checksum.rows;
        entry.checksum = checksum.hex;
        tables.push(entry);
      }
      manifest = {
        format: manifestFormat,
        version: 2,
        backupId: id,
        sequence,
        previousManifestHash: null,
        createdAt,
        dialect: kernel.db.dialect,
        suite: kernel.suite.id,
        migrations,
        auditHead: auditHead ? { seq: Number(auditHead[0]), hash: String(auditHead[1]) } : null,
        auditCheckpoint: checkpoint
          ? { seq: Number(checkpoint[0]), hash: String(checkpoint[1]), at: String(checkpoint[2]), signature: String(checkpoint[3]) }
          : null,
        sentinel,
        key: sealed,
        tables,
        totals: { rows: tables.reduce((n, t) => n + t.rows, 0), chunks: written, bytes },
      };
    } finally {
      await snapshot.close();
    }
    await Promise.all(
      targets.map(async (target) => {
        const file = signManifest(
          { ...manifest, previousManifestHash: heads.get(target.name)?.manifestHash ?? null },
          kernel.keyring.auditSigningKey,
          trust.current.keyId,
        );
        await storeEverywhere([target], outcomes, `${folder}manifest.json`, file);
        if (outcomes.get(target.name)?.ok) manifestHashValue ??= createHash('sha256').update(file).digest('hex');
      }),
    );
    if (![...outcomes.values()].some((o) => o.ok)) throw new Error('every backup target failed');
  } catch (error) {
    const failure = error instanceof Error ? error.message : String(error);
    await finish(kernel, actor, context, id, 'failed', { rows: 0, chunks: written, bytes }, [...outcomes.values()], null, failure);
    throw error;
  } finally {
    key.fill(0);
  }
  const run = await finish(
    kernel,
    actor,
    context,
    id,
    'good',
    { rows: tables.reduce((n, t) => n + t.rows, 0), chunks: written, bytes },
    [...outcomes.values()],
    manifestHashValue,
    null,
  );
  for (const target of targets.filter((t) => outcomes.get(t.name)?.ok)) await syncErasureLedger(kernel, target);
  return { ...run, sequence, createdAt };
}

async function finish(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  id: string,
  status: 'good' | 'failed',
  totals: { rows: number; chunks: number; bytes: number },
  targets: TargetOutcome[],
  manifestHash: string | null,
  failure: string | null,
): Promise<Omit<BackupRun, 'sequence' | 'createdAt'>> {
  await kernel.transaction(async (tx) => {
    const trx = tx.trx as unknown as AnyDb;
    await trx
      .updateTable('backup_runs')
      .set({ status, finished_at: nowIso(), manifest_hash: manifestHash, ...totals, targets: JSON.stringify(targets), failure })
      .where('id', '=', id)
      .execute();
    await tx.audit(actor, context, {
      action: status === 'good' ? 'backup.created' : 'backup.failed',
      outcome: status === 'good' ? 'success' : 'failure',
      resource: 'backup_runs',
      resourceId: id,
      detail: { ...totals, targets: targets.map((t) => ({ target: t.target, ok: t.ok, retries: t.retries })) },
    });
  });
  return { id, status, ...totals, targets, manifestHash };
}
