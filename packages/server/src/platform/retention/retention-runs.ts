import { type CatalogueObject, type RetentionAction, type RetentionTrigger, retentionCutoff, retentionRunOrder } from '@castellan/shared';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { noRequest } from '../audit/audit-event.js';
import { publicKeyId } from '../audit/checkpoints.js';
import { refreshSigningKeys } from '../audit/signing-keys.js';
import type { Actor } from '../authz/actor.js';
import { asSystem } from '../data/as-system.js';
import { newId, nowIso } from '../data/ids.js';
import { addCounts, applyRetention, type BatchCounts, dueRows, emptyCounts } from '../data/retention-batch.js';
import { flushErasedPages } from '../data/subject-erasure-steps.js';
import { AppError, notFound } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { buildCertificate, type CertificateRule, signCertificate } from './retention-certificate.js';
import { listRetentionRules } from './retention-rules.js';

type AnyDb = Kysely<any>;

/** Rows per transaction: a batch commits its changes, its counts, its cursor and its audit event together. */
export const retentionBatchSize = 1000;

export interface RunHooks {
  /** Called after each committed batch (tests inject a crash here). */
  afterBatch?: (batch: number) => Promise<void> | void;
  batchSize?: number;
}

export interface RetentionRunView {
  id: string;
  kind: 'scheduled' | 'manual';
  dryRun: boolean;
  state: 'running' | 'finished' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  startedBy: string | null;
  rules: (CertificateRule & { done: boolean })[];
  certificate: boolean;
}

const ruleOf = (r: Record<string, unknown>): CertificateRule & { done: boolean } => ({
  ruleId: String(r.rule_id),
  ruleVersion: Number(r.rule_version),
  object: String(r.object),
  purpose: String(r.purpose),
  action: String(r.action),
  trigger: String(r.trigger_kind),
  days: Number(r.days),
  cutoff: String(r.cutoff),
  due: Number(r.due),
  removed: Number(r.removed),
  anonymised: Number(r.anonymised),
  held: Number(r.held),
  heldByReason: JSON.parse(String(r.held_by_reason)) as Record<string, number>,
  restricted: Number(r.restricted),
  referenced: Number(r.referenced),
  done: Number(r.done) === 1,
});

async function loadRun(db: AnyDb, id: string): Promise<RetentionRunView> {
  const run = await db.selectFrom('retention_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!run) throw notFound('retention run');
  const rules = await db.selectFrom('retention_run_rules').selectAll().where('run_id', '=', id).orderBy('position').execute();
  return {
    id: String(run.id),
    kind: run.kind,
    dryRun: Number(run.dry_run) === 1,
    state: run.state,
    startedAt: String(run.started_at),
    finishedAt: (run.finished_at as string | null) ?? null,
    startedBy: (run.started_by as string | null) ?? null,
    rules: rules.map(ruleOf),
    certificate: !!run.certificate,
  };
}

export const getRetentionRun = (kernel: Kernel, id: string) => loadRun(kernel.db.kysely as unknown as AnyDb, id);

/** The latest runs, newest first (counts only). */
export async function listRetentionRuns(kernel: Kernel, limit = 50): Promise<RetentionRunView[]> {
  const db = kernel.db.kysely as unknown as AnyDb;
  const ids = await db.selectFrom('retention_runs').select('id').orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return Promise.all(ids.map((r) => loadRun(db, String(r.id))));
}

/** The signed certificate of a finished real run (404 for a dry run or one still running). */
export async function retentionCertificate(kernel: Kernel, actor: Actor, context: RequestContext, id: string): Promise<Buffer> {
  return kernel.transaction(async (tx) => {
    const db = tx.trx as unknown as AnyDb;
    const run = await db.selectFrom('retention_runs').select(['certificate']).where('id', '=', id).executeTakeFirst();
    if (!run?.certificate) throw notFound('retention certificate');
    await tx.audit(actor, context, { action: 'retention.certificate.downloaded', outcome: 'success', resource: 'retention_runs', resourceId: id });
    return Buffer.from(String(run.certificate), 'utf8');
  });
}

const isUniqueViolation = (error: unknown) => {
  const code = String((error as { code?: unknown }).code ?? '');
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
};

/**
 * Starts a run over every enabled rule (snapshotted with its version and cutoff), children before
 * parents, and carries it out batch by batch. A dry run counts what would happen and changes nothing.
 * One run at a time (409 retention_run_busy).
 */
export async function startRetentionRun(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  options: { kind: 'scheduled' | 'manual'; dryRun: boolean; now?: Date },
  hooks: RunHooks = {},
): Promise<RetentionRunView> {
  const now = options.now ?? new Date();
  const rules = retentionRunOrder((await listRetentionRules(kernel)).filter((r) => r.enabled));
  const id = newId();
  try {
    await kernel.transaction(async (tx) => {
      const db = tx.trx as unknown as AnyDb;
      const at = nowIso();
      await db
        .insertInto('retention_runs')
        .values({
          id,
          kind: options.kind,
          dry_run: options.dryRun ? 1 : 0,
          state: 'running',
          as_of: now.toISOString(),
          started_at: at,
          started_by: actor.userId,
        })
        .execute();
      for (const [position, rule] of rules.entries())
        await db
          .insertInto('retention_run_rules')
          .values({
            run_id: id,
            rule_id: rule.id,
            position,
            rule_version: rule.version,
            object: rule.object,
            purpose: rule.purpose,
            action: rule.action,
            trigger_kind: rule.trigger,
            days: rule.days,
            cutoff: retentionCutoff(rule.trigger, rule.days, now),
          })
          .execute();
      await tx.audit(actor, context, {
        action: 'retention.run.started',
        outcome: 'success',
        resource: 'retention_runs',
        resourceId: id,
        detail: { kind: options.kind, dryRun: options.dryRun, rules: rules.length },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('retention_run_busy', 409, 'a retention run is under way: wait for it to finish');
    throw error;
  }
  return continueRetentionRun(kernel, actor, context, id, hooks);
}

/** Carries a run on from the last committed batch of each rule, then finishes it (and signs its certificate). */
export async function continueRetentionRun(kernel: Kernel, actor: Actor, context: RequestContext, id: string, hooks: RunHooks = {}): Promise<RetentionRunView> {
  const base = kernel.db.kysely as unknown as AnyDb;
  const run = await base.selectFrom('retention_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const dryRun = Number(run.dry_run) === 1;
  const size = hooks.batchSize ?? retentionBatchSize;
  let batch = 0;
  // A batch the database refuses (not a crash of the process) fails the run, so it neither blocks the next one nor the start-up.
  const runBatch = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      await failRun(kernel, actor, context, id, error);
      throw error;
    }
  };
  const pending = await base.selectFrom('retention_run_rules').selectAll().where('run_id', '=', id).where('done', '=', 0).orderBy('position').execute();
  for (const rule of pending) {
    for (;;) {
      const finished = await runBatch(async () =>
        kernel.transaction(async (tx) => {
          const db = tx.trx as unknown as AnyDb;
          // The rule's row first, locked: a second process resuming the same run waits here (PostgreSQL) instead of doubling a batch.
          let stateQuery = db
            .selectFrom('retention_run_rules')
            .select(['cursor_at', 'cursor_id', 'done'])
            .where('run_id', '=', id)
            .where('rule_id', '=', rule.rule_id);
          if (kernel.db.dialect === 'postgres') stateQuery = stateQuery.forUpdate();
          const state = await stateQuery.executeTakeFirstOrThrow();
          if (Number(state.done) === 1) return true;
          const cursor = state.cursor_at ? { at: String(state.cursor_at), id: String(state.cursor_id) } : null;
          const due = {
            object: rule.object as CatalogueObject,
            action: rule.action as RetentionAction,
            trigger: rule.trigger_kind as RetentionTrigger,
            purpose: String(rule.purpose),
            cutoff: String(rule.cutoff),
          };
          const rows = await dueRows(kernel, db, due, cursor, size);
          const counts: BatchCounts = rows.length ? await applyRetention(kernel, db, due.object, due.action, rows, { write: !dryRun }) : emptyCounts();
          const last = rows.at(-1);
          const raw = await db
            .selectFrom('retention_run_rules')
            .selectAll()
            .where('run_id', '=', id)
            .where('rule_id', '=', rule.rule_id)
            .executeTakeFirstOrThrow();
          const total = addCounts(ruleOf(raw), counts);
          await db
            .updateTable('retention_run_rules')
            .set({
              cursor_at: last ? last.at : state.cursor_at,
              cursor_id: last ? last.id : state.cursor_id,
              done: rows.length < size ? 1 : 0,
              due: total.due,
              removed: total.removed,
              anonymised: total.anonymised,
              held: total.held,
              held_by_reason: JSON.stringify(total.heldByReason),
              restricted: total.restricted,
              referenced: total.referenced,
              batches: Number(raw.batches) + 1,
            })
            .where('run_id', '=', id)
            .where('rule_id', '=', rule.rule_id)
            .execute();
          if (rows.length && !dryRun)
            await tx.audit(actor, context, {
              action: 'retention.run.batch',
              outcome: 'success',
              resource: String(rule.object),
              resourceId: id,
              detail: { rule: String(rule.rule_id), ruleAction: String(rule.action), ...counts },
            });
          return rows.length < size;
        }),
      );
      batch += 1;
      await hooks.afterBatch?.(batch);
      if (finished) break;
    }
  }
  return finishRun(kernel, actor, context, id);
}

async function finishRun(kernel: Kernel, actor: Actor, context: RequestContext, id: string): Promise<RetentionRunView> {
  await refreshSigningKeys(kernel);
  const view = await kernel.transaction(async (tx) => {
    const db = tx.trx as unknown as AnyDb;
    const run = await db.selectFrom('retention_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (run.state !== 'running') return loadRun(db, id);
    const finishedAt = nowIso();
    const current = await loadRun(db, id);
    const rules = current.rules.map(({ done: _done, ...r }) => r);
    let certificate: string | null = null;
    let keyId: string | null = null;
    if (!current.dryRun) {
      keyId = publicKeyId(kernel.keyring.auditPublicKey);
      const body = buildCertificate({ id, kind: current.kind, asOf: String(run.as_of), startedAt: current.startedAt, finishedAt }, rules);
      certificate = signCertificate(body, kernel.keyring.auditSigningKey, keyId).toString('utf8');
    }
    await db
      .updateTable('retention_runs')
      .set({ state: 'finished', finished_at: finishedAt, certificate, key_id: keyId, signature: certificate ? JSON.parse(certificate).signature : null })
      .where('id', '=', id)
      .execute();
    const totals = rules.reduce((t, r) => addCounts(t, r), emptyCounts());
    await tx.audit(actor, context, {
      action: 'retention.run.finished',
      outcome: 'success',
      resource: 'retention_runs',
      resourceId: id,
      detail: { dryRun: current.dryRun, ...totals },
    });
    return { ...current, state: 'finished' as const, finishedAt, certificate: !!certificate };
  });
  // SQLite: the removed and cleared values leave the WAL too (the file runs with secure_delete).
  if (!view.dryRun) await flushErasedPages(kernel);
  return view;
}

async function failRun(kernel: Kernel, actor: Actor, context: RequestContext, id: string, error: unknown): Promise<void> {
  await kernel.transaction(async (tx) => {
    const db = tx.trx as unknown as AnyDb;
    await db.updateTable('retention_runs').set({ state: 'failed', finished_at: nowIso() }).where('id', '=', id).where('state', '=', 'running').execute();
    await tx.audit(actor, context, {
      action: 'retention.run.finished',
      outcome: 'failure',
      resource: 'retention_runs',
      resourceId: id,
      detail: { error: (error as Error).name, code: String((error as { code?: unknown }).code ?? '') },
    });
  });
}

/** Finishes every run a crash or a stop left running (at start-up); answers how many. */
export async function resumeRetentionRuns(kernel: Kernel): Promise<number> {
  const db = kernel.db.kysely as unknown as AnyDb;
  const running = await db.selectFrom('retention_runs').select('id').where('state', '=', 'running').execute();
  const system = asSystem('resume a retention run interrupted before it finished');
  for (const r of running) {
    // A run that fails again is marked failed (by continueRetentionRun): start-up goes on.
    await continueRetentionRun(kernel, system, noRequest, String(r.id)).catch(() => undefined);
  }
  return running.length;
}
