import type { StoreObject } from '@castellan/shared';
import type { Kysely } from 'kysely';
import type { Actor } from '../authz/actor.js';
import type { AuditedTransaction } from '../kernel.js';
import { type PlainRecord, plainColumn, plainRecord, toStored, type Value } from './store-values.js';
import { tablePlan } from './table-plan.js';

/**
 * Business rules of an object (airtime caps, rights conflicts, lifecycle transitions…) run inside the
 * write's transaction, before it lands. They are pure functions of plain data (`modules/<thing>/
 * <thing>.policy.ts`), fed through a RuleContext. A rule refuses by throwing an AppError (409 / 422,
 * saying why); then nothing is written.
 */
export interface RuleContext {
  readonly actor: Actor;
  /** Now, for clocks (SLA, windows); one value per write. */
  readonly now: Date;
  /**
   * The plain (non-personal) fields of the rows of an object that match equality filters, whatever
   * the actor's record scope: a cap or a conflict is about every booking or licence, not only those
   * the actor may read. Never returns personal fields; nothing leaves the rule but its verdict.
   */
  plainRows(object: StoreObject, where: Record<string, Value>, range?: { field: string; from?: Value; to?: Value }): Promise<PlainRecord[]>;
}

export interface ObjectRules {
  /** Before a create (`previous` undefined) or an update lands; `next` is the record's plain fields after the write. */
  beforeWrite?(rc: RuleContext, next: PlainRecord, previous: PlainRecord | undefined): Promise<void> | void;
  /** Before a delete lands. */
  beforeDelete?(rc: RuleContext, previous: PlainRecord): Promise<void> | void;
}

export function ruleContext(tx: AuditedTransaction, actor: Actor, now = new Date()): RuleContext {
  const db = tx.trx as unknown as Kysely<any>;
  return {
    actor,
    now,
    async plainRows(object, where, range) {
      const plan = tablePlan(object);
      let q = db.selectFrom(object).select(plan.plain.map((f) => f.column));
      for (const [name, value] of Object.entries(where)) {
        const field = plan.plain.find((f) => f.name === name);
        const column = plainColumn(plan, name, 'look up');
        q = value === null ? q.where(column, 'is', null) : q.where(column, '=', field ? toStored(field, value) : value);
      }
      if (range) {
        const column = plainColumn(plan, range.field, 'look up');
        if (range.from !== undefined && range.from !== null) q = q.where(column, '>=', range.from);
        if (range.to !== undefined && range.to !== null) q = q.where(column, '<=', range.to);
      }
      const rows = (await q.execute()) as Record<string, unknown>[];
      return rows.map((row) => plainRecord(plan, row));
    },
  };
}
