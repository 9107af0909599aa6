import { type RetentionRuleInput, retentionRuleProblems } from '@castellan/shared';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { newId, nowIso } from '../data/ids.js';
import { AppError, conflict, notFound } from '../errors.js';
import { requireFreshSecondFactor } from '../identity/second-factor.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';

type AnyDb = Kysely<any>;

export interface RetentionRule extends RetentionRuleInput {
  id: string;
  version: number;
  updatedAt: string;
  updatedBy: string | null;
}

const invalid = (input: Record<string, unknown>) => {
  const problems = retentionRuleProblems(input);
  if (problems.length)
    throw new AppError('retention_rule_invalid', 422, `the retention rule is invalid: ${problems.map((p) => p.message).join('; ')}`, { problems });
};

const present = (r: Record<string, unknown>): RetentionRule => ({
  id: String(r.id),
  object: r.object as RetentionRule['object'],
  purpose: r.purpose as RetentionRule['purpose'],
  action: r.action as RetentionRule['action'],
  trigger: r.trigger_kind as RetentionRule['trigger'],
  days: Number(r.days),
  enabled: Number(r.enabled) === 1,
  version: Number(r.version),
  updatedAt: String(r.updated_at),
  updatedBy: (r.updated_by as string | null) ?? null,
});

async function recordVersion(db: AnyDb, rule: RetentionRule, actor: Actor, deleted = false): Promise<void> {
  await db
    .insertInto('retention_rule_versions')
    .values({
      rule_id: rule.id,
      version: rule.version,
      object: rule.object,
      purpose: rule.purpose,
      action: rule.action,
      trigger_kind: rule.trigger,
      days: rule.days,
      enabled: rule.enabled ? 1 : 0,
      deleted: deleted ? 1 : 0,
      changed_at: nowIso(),
      changed_by: actor.userId,
    })
    .execute();
}

const auditRule = (tx: AuditedTransaction, actor: Actor, context: RequestContext, action: 'created' | 'updated' | 'deleted', rule: RetentionRule) =>
  tx.audit(actor, context, {
    action: `retention.rule.${action}`,
    outcome: 'success',
    resource: 'retention_rules',
    resourceId: rule.id,
    detail: {
      object: rule.object,
      purpose: rule.purpose,
      ruleAction: rule.action,
      trigger: rule.trigger,
      days: rule.days,
      enabled: rule.enabled,
      version: rule.version,
    },
  });

export async function listRetentionRules(kernel: Kernel): Promise<RetentionRule[]> {
  const db = kernel.db.kysely as unknown as AnyDb;
  const rows = await db.selectFrom('retention_rules').selectAll().orderBy('object').orderBy('purpose').execute();
  return rows.map(present);
}

async function loadRule(db: AnyDb, id: string): Promise<RetentionRule> {
  const row = await db.selectFrom('retention_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('retention rule');
  return present(row);
}

export async function getRetentionRule(kernel: Kernel, id: string): Promise<RetentionRule> {
  return loadRule(kernel.db.kysely as unknown as AnyDb, id);
}

/** Every version of a rule, newest first (a deleted rule keeps its history). */
export async function retentionRuleHistory(kernel: Kernel, id: string) {
  const db = kernel.db.kysely as unknown as AnyDb;
  const rows = await db.selectFrom('retention_rule_versions').selectAll().where('rule_id', '=', id).orderBy('version', 'desc').execute();
  if (!rows.length) throw notFound('retention rule');
  return rows.map((r) => ({
    version: Number(r.version),
    action: String(r.action),
    trigger: String(r.trigger_kind),
    days: Number(r.days),
    enabled: Number(r.enabled) === 1,
    deleted: Number(r.deleted) === 1,
    changedAt: String(r.changed_at),
    changedBy: (r.changed_by as string | null) ?? null,
  }));
}

/** Defines a rule; enabling one (it will remove data) needs a fresh second factor. */
export async function createRetentionRule(kernel: Kernel, actor: Actor, context: RequestContext, input: Record<string, unknown>): Promise<RetentionRule> {
  invalid(input);
  if (input.enabled) requireFreshSecondFactor(actor, 'enabling a retention rule');
  return kernel.transaction(async (tx) => {
    const db = tx.trx as unknown as AnyDb;
    const taken = await db
      .selectFrom('retention_rules')
      .select('id')
      .where('object', '=', input.object as string)
      .where('purpose', '=', input.purpose as string)
      .executeTakeFirst();
    if (taken) throw new AppError('retention_rule_exists', 409, 'a retention rule for this object and purpose exists: change it instead');
    const now = nowIso();
    const rule: RetentionRule = {
      id: newId(),
      ...(input as unknown as RetentionRuleInput),
      version: 1,
      updatedAt: now,
      updatedBy: actor.userId,
    };
    await db
      .insertInto('retention_rules')
      .values({
        id: rule.id,
        object: rule.object,
        purpose: rule.purpose,
        action: rule.action,
        trigger_kind: rule.trigger,
        days: rule.days,
        enabled: rule.enabled ? 1 : 0,
        version: 1,
        created_at: now,
        updated_at: now,
        updated_by: actor.userId,
      })
      .execute();
    await recordVersion(db, rule, actor);
    await auditRule(tx, actor, context, 'created', rule);
    return rule;
  });
}

/** Changes a rule against the version the caller saw (409 when another change came first); enabling needs a fresh second factor. */
export async function updateRetentionRule(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  id: string,
  patch: { action?: string; trigger?: string; days?: number; enabled?: boolean; version: number },
): Promise<RetentionRule> {
  return kernel.transaction(async (tx) => {
    const db = tx.trx as unknown as AnyDb;
    const current = await loadRule(db, id);
    const { version, ...change } = patch;
    const next = { ...current, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) } as RetentionRule;
    invalid({ object: next.object, purpose: next.purpose, action: next.action, trigger: next.trigger, days: next.days, enabled: next.enabled });
    if (next.enabled && (!current.enabled || next.action !== current.action || next.days < current.days || next.trigger !== current.trigger))
      requireFreshSecondFactor(actor, 'enabling or widening a retention rule');
    const now = nowIso();
    const done = await db
      .updateTable('retention_rules')
      .set({
        action: next.action,
        trigger_kind: next.trigger,
        days: next.days,
        enabled: next.enabled ? 1 : 0,
        version: current.version + 1,
        updated_at: now,
        updated_by: actor.userId,
      })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw conflict(`the rule changed since version ${version}: reload it (now version ${current.version})`);
    const rule = { ...next, version: current.version + 1, updatedAt: now, updatedBy: actor.userId };
    await recordVersion(db, rule, actor);
    await auditRule(tx, actor, context, 'updated', rule);
    return rule;
  });
}

export async function deleteRetentionRule(kernel: Kernel, actor: Actor, context: RequestContext, id: string): Promise<void> {
  await kernel.transaction(async (tx) => {
    const db = tx.trx as unknown as AnyDb;
    const current = await loadRule(db, id);
    await db.deleteFrom('retention_rules').where('id', '=', id).execute();
    const rule = { ...current, version: current.version + 1 };
    await recordVersion(db, rule, actor, true);
    await auditRule(tx, actor, context, 'deleted', rule);
  });
}
