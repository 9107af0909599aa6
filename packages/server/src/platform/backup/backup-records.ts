import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import type { Kernel } from '../kernel.js';

type AnyDb = Kysely<any>;

/**
 * What this installation records of its backups and drills (`backup_runs`, `backup_drills`): the
 * highest good sequence (rollback detection), drills recorded with their audit event, and the lists
 * the operator's screen and the API show. Counts, times, ids and check names only.
 */
export async function latestGoodSequence(kernel: Kernel): Promise<number> {
  const row = await (kernel.db.kysely as unknown as AnyDb)
    .selectFrom('backup_runs')
    .select((eb) => eb.fn.max('sequence').as('max'))
    .where('status', '=', 'good')
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

export interface DrillRecord {
  id: string;
  backupId: string | null;
  sequence: number | null;
  kind: 'manual' | 'scheduled';
  status: 'passed' | 'failed';
  startedAt: string;
  finishedAt: string;
  rtoMs: number | null;
  rpoSeconds: number | null;
  checks: { name: string; ok: boolean; detail: string; facts?: Record<string, string | number> }[];
  failure: string | null;
  signature: string;
}

/** Records a drill and its audit event (`backup.drill`, success or failure) in one transaction. */
export async function recordDrill(kernel: Kernel, actor: Actor, context: RequestContext, drill: DrillRecord): Promise<void> {
  await kernel.transaction(async (tx) => {
    await (tx.trx as unknown as AnyDb)
      .insertInto('backup_drills')
      .values({
        id: drill.id,
        backup_id: drill.backupId,
        kind: drill.kind,
        status: drill.status,
        started_at: drill.startedAt,
        finished_at: drill.finishedAt,
        rto_ms: drill.rtoMs,
        rpo_seconds: drill.rpoSeconds,
        checks: JSON.stringify(drill.checks),
        failure: drill.failure,
        signature: drill.signature,
      })
      .execute();
    await tx.audit(actor, context, {
      action: 'backup.drill',
      outcome: drill.status === 'passed' ? 'success' : 'failure',
      resource: 'backup_drills',
      resourceId: drill.id,
      detail: {
        backupId: drill.backupId,
        sequence: drill.sequence,
        rtoMs: drill.rtoMs,
        rpoSeconds: drill.rpoSeconds,
        checks: drill.checks.map((c) => `${c.name}:${c.ok ? 'ok' : 'failed'}`),
        signature: drill.signature,
      },
    });
  });
}

export interface BackupRunRow {
  id: string;
  sequence: number;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  keyMode: string;
  rows: number;
  bytes: number;
  chunks: number;
  targets: { target: string; ok: boolean; retries: number; failure?: string }[];
  failure: string | null;
}

/** The newest runs and drills, newest first. */
export async function readBackupHistory(kernel: Kernel, limit = 50): Promise<{ runs: BackupRunRow[]; drills: DrillRecord[] }> {
  const db = kernel.db.kysely as unknown as AnyDb;
  const runs = await db.selectFrom('backup_runs').selectAll().orderBy('sequence', 'desc').limit(limit).execute();
  const drills = await db.selectFrom('backup_drills').selectAll().orderBy('finished_at', 'desc').limit(limit).execute();
  const sequenceOf = new Map(runs.map((r) => [String(r.id), Number(r.sequence)]));
  return {
    runs: runs.map((r) => ({
      id: String(r.id),
      sequence: Number(r.sequence),
      kind: String(r.kind),
      status: String(r.status),
      startedAt: String(r.started_at),
      finishedAt: r.finished_at === null ? null : String(r.finished_at),
      keyMode: String(r.key_mode),
      rows: Number(r.rows),
      bytes: Number(r.bytes),
      chunks: Number(r.chunks),
      targets: JSON.parse(String(r.targets)),
      failure: r.failure === null ? null : String(r.failure),
    })),
    drills: drills.map((d) => ({
      id: String(d.id),
      backupId: d.backup_id === null ? null : String(d.backup_id),
      sequence: d.backup_id === null ? null : (sequenceOf.get(String(d.backup_id)) ?? null),
      kind: d.kind as DrillRecord['kind'],
      status: d.status as DrillRecord['status'],
      startedAt: String(d.started_at),
      finishedAt: String(d.finished_at),
      rtoMs: d.rto_ms === null ? null : Number(d.rto_ms),
      rpoSeconds: d.rpo_seconds === null ? null : Number(d.rpo_seconds),
      checks: JSON.parse(String(d.checks)),
      failure: d.failure === null ? null : String(d.failure),
      signature: String(d.signature),
    })),
  };
}

/** Of these subject ids, the ones whose key a restored database still holds (to be erased again). */
export async function subjectsStillKeyed(kernel: Kernel, subjectIds: string[]): Promise<string[]> {
  const db = kernel.db.kysely as unknown as AnyDb;
  const alive: string[] = [];
  for (let i = 0; i < subjectIds.length; i += 500) {
    const rows = await db
      .selectFrom('data_subjects')
      .select('id')
      .where('id', 'in', subjectIds.slice(i, i + 500))
      .where((eb) => eb.or([eb('wrapped_key', 'is not', null), eb('erased_at', 'is', null)]))
      .execute();
    alive.push(...rows.map((r) => String(r.id)));
  }
  return alive;
}

/**
 * Claims a scheduled slot (the day's backup, the week's drill) for this node, once across all nodes:
 * one conditional UPDATE moves the slot's time forward only if it is older than the period, so of
 * nodes racing for it exactly one sees a changed row.
 */
export async function claimScheduledSlot(kernel: Kernel, slot: 'backup' | 'drill', periodMs: number, now = new Date()): Promise<boolean> {
  const db = kernel.db.kysely as unknown as AnyDb;
  const key = `backup_slot_${slot}`;
  await db
    .insertInto('settings')
    .values({ key, value: new Date(0).toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const result = await db
    .updateTable('settings')
    .set({ value: now.toISOString() })
    .where('key', '=', key)
    .where('value', '<=', new Date(now.getTime() - periodMs + 60_000).toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
