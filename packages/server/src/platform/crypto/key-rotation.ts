import { noRequest, type RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { newId, nowIso } from '../data/ids.js';
import type { Kernel } from '../kernel.js';
import { openValue, sealValue } from './envelope.js';
import { type DataKeyPurpose, Keyring } from './keyring.js';
import { subjectSealedTables, subjectViaOf } from './sealed-columns.js';

/**
 * Key rotation: a new field data key version is made and used for new writes at once; a job then
 * gives every data subject a fresh key wrapped under the new version and re-encrypts that person's
 * values with it, in batches, each batch one transaction. Progress lives in the data itself
 * (data_subjects.key_version), so a crash loses at most one uncommitted batch and the job resumes.
 * What is re-encrypted is every column of the sealed-column registry (catalogue fields and per-person
 * secrets such as TOTP seeds alike): a column missing there would be left under a destroyed key.
 * A table without `subject_id` (passkeys: `user_id`) reaches its subject through `subjectVia`.
 */

export interface RotationStatus {
  currentVersion: number;
  versions: { version: number; status: string; createdAt: string; subjects: number }[];
  rotation: {
    id: string;
    toVersion: number;
    status: string;
    total: number;
    done: number;
    remaining: number;
    startedAt: string;
    finishedAt: string | null;
  } | null;
}

/** Loads data key versions the database holds but this process does not (another node rotated). */
export async function refreshDataKeys(kernel: Kernel): Promise<void> {
  const rows = await kernel.db.kysely
    .selectFrom('data_keys')
    .select(['purpose', 'version', 'wrapped'])
    .where('purpose', '=', 'field')
    .where('version', '>', kernel.keyring.currentFieldVersion)
    .execute();
  for (const row of rows)
    await kernel.keyring.addStoredKey({ purpose: row.purpose as DataKeyPurpose, version: row.version, wrapped: Buffer.from(row.wrapped) });
}

export async function runningRotation(kernel: Kernel) {
  return kernel.db.kysely.selectFrom('key_rotations').selectAll().where('status', '=', 'running').orderBy('started_at', 'desc').executeTakeFirst();
}

/** Starts a rotation, or returns the one already running (a rotation is resumed, never doubled). */
export async function startRotation(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext = noRequest,
): Promise<{ id: string; toVersion: number; resumed: boolean }> {
  await refreshDataKeys(kernel);
  const running = await runningRotation(kernel);
  if (running) return { id: running.id, toVersion: running.to_version, resumed: true };
  const toVersion = kernel.keyring.currentFieldVersion + 1;
  const stored = await Keyring.newDataKey(kernel.keyring.provider, 'field', toVersion);
  const id = newId();
  await kernel.transaction(async (tx) => {
    const total = await countSubjectsBelow(kernel, toVersion, tx.trx);
    await tx.trx
      .insertInto('data_keys')
      .values({ ...stored, suite: kernel.suite.id, kek_id: kernel.keyring.provider.keyId, status: 'active', created_at: nowIso() })
      .execute();
    await tx.trx
      .insertInto('key_rotations')
      .values({
        id,
        purpose: 'field',
        to_version: toVersion,
        status: 'running',
        total,
        done: 0,
        started_at: nowIso(),
        finished_at: null,
        lease_owner: null,
        lease_until: null,
      })
      .execute();
    await tx.audit(actor, context, {
      action: 'key.rotation.started',
      outcome: 'success',
      resource: 'data_keys',
      resourceId: `field:${toVersion}`,
      detail: { toVersion, subjects: total },
    });
  });
  await kernel.keyring.addStoredKey(stored);
  return { id, toVersion, resumed: false };
}

async function countSubjectsBelow(kernel: Kernel, version: number, db = kernel.db.kysely): Promise<number> {
  const row = await db
    .selectFrom('data_subjects')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key_version', '<', version)
    .where('wrapped_key', 'is not', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** rotateBatch's answer when the subjects left are all locked by writers just now: try again shortly. */
const SUBJECTS_BUSY = -2;

export interface RotationWorker {
  workerId: string;
  batchSize: number;
  /** How long a worker's claim lasts without renewal; a crashed worker's claim lapses after it. */
  leaseMs?: number;
}

/** Re-encrypts one batch of data subjects; returns how many were done (0 = rotation finished, -1 = another worker holds the lease). */
export async function rotateBatch(kernel: Kernel, actor: Actor, rotationId: string, worker: RotationWorker): Promise<number> {
  const { workerId, batchSize, leaseMs = 30_000 } = worker;
  return kernel.transaction(async (tx) => {
    const now = nowIso();
    const leaseUntil = new Date(Date.now() + leaseMs).toISOString();
    // Claim (or renew) the lease in one conditional update: two workers can never both hold it.
    const claimed = await tx.trx
      .updateTable('key_rotations')
      .set({ lease_owner: workerId, lease_until: leaseUntil })
      .where('id', '=', rotationId)
      .where('status', '=', 'running')
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', workerId), eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .executeTakeFirst();
    const rotation = await tx.trx.selectFrom('key_rotations').selectAll().where('id', '=', rotationId).executeTakeFirst();
    if (rotation?.status !== 'running') return 0;
    if (Number(claimed.numUpdatedRows) !== 1) return -1;
    const target = rotation.to_version;
    let pick = tx.trx
      .selectFrom('data_subjects')
      .select(['id', 'key_version', 'wrapped_key'])
      .where('key_version', '<', target)
      .where('wrapped_key', 'is not', null)
      .orderBy('id')
      .limit(batchSize);
    // PostgreSQL: lock the subjects taken (writers lock a subject before its records, as here);
    // one a writer holds is left for the next batch.
    if (kernel.db.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
    const subjects = await pick.execute();
    for (const subject of subjects) {
      const oldKey = kernel.keyring.subjectKey(subject.id, subject.key_version, Buffer.from(subject.wrapped_key as Buffer));
      const fresh = kernel.keyring.newSubjectKey(subject.id, target);
      for (const [table, columns] of subjectSealedTables()) {
        const via = subjectViaOf(table);
        const select = (tx.trx as any).selectFrom(table).select(['id', ...columns.map((c) => c.column)]);
        const ofSubject = via
          ? select.where(via.column, 'in', (tx.trx as any).selectFrom(via.table).select('id').where('subject_id', '=', subject.id))
          : select.where('subject_id', '=', subject.id);
        const rows = (await ofSubject.execute()) as Record<string, unknown>[];
        for (const row of rows) {
          const rowId = String(row.id);
          const changes: Record<string, Buffer> = {};
          for (const sealed of columns) {
            const envelope = row[sealed.column] as Buffer | null | undefined;
            if (!envelope) continue;
            const context = { table, column: sealed.aadColumn, rowId };
            const plain = openValue(oldKey, Buffer.from(envelope), context, kernel.suite);
            changes[sealed.column] = sealValue(kernel.suite, fresh.key, target, plain, context);
          }
          if (Object.keys(changes).length > 0) await (tx.trx as any).updateTable(table).set(changes).where('id', '=', row.id).execute();
        }
      }
      const rekeyed = await tx.trx
        .updateTable('data_subjects')
        .set({ key_version: target, wrapped_key: fresh.wrapped })
        .where('id', '=', subject.id)
        .where('key_version', '=', subject.key_version)
        .where('wrapped_key', 'is not', null)
        .executeTakeFirst();
      // An erased subject must stay erased: never write a key back over a shredded one.
      if (Number(rekeyed.numUpdatedRows) !== 1) throw new Error(`data subject ${subject.id} changed during rotation; the batch is retried`);
    }
    if (subjects.length === 0) {
      // Nothing picked: done, unless every subject left is locked by a writer for the moment.
      if ((await countSubjectsBelow(kernel, target, tx.trx)) > 0) return SUBJECTS_BUSY;
      await tx.trx
        .updateTable('key_rotations')
        .set({ status: 'finished', finished_at: now, lease_owner: null, lease_until: null })
        .where('id', '=', rotationId)
        .execute();
      await tx.trx.updateTable('data_keys').set({ status: 'retired' }).where('purpose', '=', 'field').where('version', '<', target).execute();
      await tx.audit(actor, noRequest, {
        action: 'key.rotation.finished',
        outcome: 'success',
        resource: 'data_keys',
        resourceId: `field:${target}`,
        detail: { done: rotation.done },
      });
      return 0;
    }
    await tx.trx
      .updateTable('key_rotations')
      .set((eb) => ({ done: eb('done', '+', subjects.length) }))
      .where('id', '=', rotationId)
      .execute();
    await tx.audit(actor, noRequest, {
      action: 'key.rotation.batch',
      outcome: 'success',
      resource: 'data_keys',
      resourceId: `field:${target}`,
      detail: { subjects: subjects.length },
    });
    return subjects.length;
  });
}

/** Runs a rotation to its end in this process (the CLI, or the server's background worker). */
export async function completeRotation(
  kernel: Kernel,
  actor: Actor,
  rotationId: string,
  worker: RotationWorker & { onProgress?: (done: number) => void; shouldStop?: () => boolean },
): Promise<void> {
  while (!worker.shouldStop?.()) {
    const n = await rotateBatch(kernel, actor, rotationId, worker);
    if (n === 0) return;
    if (n === SUBJECTS_BUSY) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    if (n < 0) throw new Error('another process holds the rotation lease; it will finish the rotation');
    worker.onProgress?.(n);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function rotationStatus(kernel: Kernel): Promise<RotationStatus> {
  const keys = await kernel.db.kysely
    .selectFrom('data_keys')
    .select(['version', 'status', 'created_at'])
    .where('purpose', '=', 'field')
    .orderBy('version')
    .execute();
  const counts = await kernel.db.kysely
    .selectFrom('data_subjects')
    .select(['key_version', (eb) => eb.fn.countAll<number>().as('n')])
    .where('wrapped_key', 'is not', null)
    .groupBy('key_version')
    .execute();
  const latest = await kernel.db.kysely.selectFrom('key_rotations').selectAll().orderBy('started_at', 'desc').limit(1).executeTakeFirst();
  const byVersion = new Map(counts.map((c) => [c.key_version, Number(c.n)]));
  const remaining = latest ? await countSubjectsBelow(kernel, latest.to_version) : 0;
  return {
    currentVersion: Math.max(0, ...keys.map((k) => k.version)),
    versions: keys.map((k) => ({ version: k.version, status: k.status, createdAt: k.created_at, subjects: byVersion.get(k.version) ?? 0 })),
    rotation: latest
      ? {
          id: latest.id,
          toVersion: latest.to_version,
          status: latest.status,
          total: latest.total,
          done: latest.done,
          remaining: latest.status === 'running' ? remaining : 0,
          startedAt: latest.started_at,
          finishedAt: latest.finished_at,
        }
      : null,
  };
}
