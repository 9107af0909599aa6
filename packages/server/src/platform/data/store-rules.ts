import type { StoreObject } from '@castellan/shared';
import { type Kysely, sql } from 'kysely';
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
  /**
   * Serialises the writes that share `key` (a channel and day, a title) until the transaction ends,
   * so that a check over other rows (a cap, a conflict) cannot be raced by a parallel write. On
   * PostgreSQL a transaction-scoped advisory lock; SQLite transactions already run one at a time
   * (`begin immediate`).
   */
  lock(key: string): Promise<void>;
}

export interface ObjectRules {
  /** Before a create (`previous` undefined) or an update lands; `next` is the record's plain fields after the write. */
  beforeWrite?(rc: RuleContext, next: PlainRecord, previous: PlainRecord | undefined): Promise<void> | void;
  /** Before a delete lands. */
  beforeDelete?(rc: RuleContext, previous: PlainRecord): Promise<void> | void;
  /**
   * Values the system derives from a write (a minor flag from a date of birth, a price from the rate
   * card), merged into it before the plain columns and rules: may set `system` fields. `input` is the
   * write as given (personal values included, in memory only); `previous` the stored plain fields on
   * an update. Personal values must never be copied into a plain field.
   */
  derive?(
    rc: RuleContext,
    input: Readonly<Record<string, Value | undefined>>,
    previous: PlainRecord | undefined,
    stored: Readonly<Record<string, string | null>>,
  ): Promise<Record<string, Value>> | Record<string, Value>;
  /**
   * Personal fields whose stored values `derive` needs on an update that does not give them (a minor
   * flag recomputed from the stored birth date at every write): the store decrypts them in memory,
   * inside the door, and passes them as `stored`; they are never written anywhere in plaintext.
   */
  deriveFrom?: readonly string[];
}

export function ruleContext(tx: AuditedTransaction, actor: Actor, dialect: 'sqlite' | 'postgres', now = new Date()): RuleContext {
  const db = tx.trx as unknown as Kysely<any>;
  return {
    actor,
    now,
    async lock(key) {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db);
    },
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
