import { type CustomFieldType, isStoreObject, type MaskKind, permissionOf, type StoreObject, storeObjects } from '@castellan/shared';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { conflict, forbidden, notFound, unprocessable } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { type CustomFieldDefinition, checkDefinition, checkOptions } from './custom-field-rules.js';
import type { WithinCreate } from './idempotency-keys.js';
import { newId, nowIso } from './ids.js';
import { tablePlan } from './table-plan.js';

/**
 * The definitions of custom fields (table `custom_fields`): added, relabelled and removed by a holder
 * of `custom_fields.manage`, read by anyone who may read the object. Every change is audited in its
 * transaction. Key, type and classification are fixed once defined (a value already stored under one
 * classification is not silently moved to another): remove the field and define it anew.
 */
type AnyDb = Kysely<any>;

export interface NewCustomField {
  object: string;
  key: string;
  labelZh: string;
  labelEn: string;
  type: CustomFieldType;
  options?: string[];
  classification: CustomFieldDefinition['classification'];
  mask?: MaskKind;
}

export interface CustomFieldChange {
  labelZh?: string;
  labelEn?: string;
  options?: string[];
  mask?: MaskKind;
}

function definitionOf(row: Record<string, unknown>): CustomFieldDefinition {
  return {
    id: String(row.id),
    object: String(row.object),
    key: String(row.key),
    labelZh: String(row.label_zh),
    labelEn: String(row.label_en),
    type: row.type as CustomFieldType,
    options: row.options ? (JSON.parse(String(row.options)) as string[]) : null,
    classification: row.classification as CustomFieldDefinition['classification'],
    mask: (row.mask as MaskKind | null) ?? null,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/** The definitions of one object, in the order they were added (the store reads them with each record). */
export async function definitionsOf(db: Kysely<any>, object: StoreObject): Promise<CustomFieldDefinition[]> {
  const rows = await db.selectFrom('custom_fields').selectAll().where('object', '=', object).orderBy('created_at').orderBy('id').execute();
  return rows.map(definitionOf);
}

const storeObjectOf = (object: string): StoreObject => {
  if (!isStoreObject(object)) throw unprocessable(`${object} is not a store object (one of ${storeObjects.join(', ')})`);
  return object;
};

export class CustomFieldDefinitions {
  constructor(private readonly kernel: Kernel) {}

  private requireManage(actor: Actor): void {
    if (!can(actor, 'custom_fields.manage')) throw forbidden('missing permission custom_fields.manage');
  }

  /** Definitions of one object (needs its read permission), or of every object the actor may read. */
  async list(actor: Actor, object?: string): Promise<CustomFieldDefinition[]> {
    // The administrator who manages the definitions sees all of them (labels and types, no values).
    const manages = can(actor, 'custom_fields.manage');
    const objects = object ? [storeObjectOf(object)] : storeObjects.filter((o) => manages || can(actor, permissionOf(o, 'read')));
    if (object && !manages && !can(actor, permissionOf(objects[0] as StoreObject, 'read'))) throw forbidden(`missing permission ${object}.read`);
    if (objects.length === 0) return [];
    const db = this.kernel.db.kysely as unknown as AnyDb;
    const rows = await db
      .selectFrom('custom_fields')
      .selectAll()
      .where('object', 'in', objects)
      .orderBy('object')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(definitionOf);
  }

  async get(actor: Actor, id: string): Promise<CustomFieldDefinition> {
    const db = this.kernel.db.kysely as unknown as AnyDb;
    const row = await db.selectFrom('custom_fields').selectAll().where('id', '=', id).executeTakeFirst();
    const definition = row ? definitionOf(row) : undefined;
    if (!definition || !(can(actor, 'custom_fields.manage') || can(actor, permissionOf(definition.object as StoreObject, 'read'))))
      throw notFound('custom field');
    return definition;
  }

  async create(actor: Actor, context: RequestContext, input: NewCustomField, within?: WithinCreate): Promise<CustomFieldDefinition> {
    this.requireManage(actor);
    const object = storeObjectOf(input.object);
    const { options, mask } = checkDefinition(tablePlan(object), input);
    const now = nowIso();
    const row = {
      id: newId(),
      object,
      key: input.key,
      label_zh: input.labelZh,
      label_en: input.labelEn,
      type: input.type,
      options: options ? JSON.stringify(options) : null,
      classification: input.classification,
      mask,
      created_at: now,
      updated_at: now,
    };
    return this.kernel.transaction(async (tx) => {
      const db = tx.trx as unknown as AnyDb;
      const taken = await db.selectFrom('custom_fields').select('id').where('object', '=', object).where('key', '=', input.key).executeTakeFirst();
      if (taken) throw conflict(`${object} already has a custom field ${input.key}`);
      await db.insertInto('custom_fields').values(row).execute();
      await tx.audit(actor, context, {
        action: 'record.created',
        outcome: 'success',
        resource: 'custom_fields',
        resourceId: row.id,
        detail: { object, key: input.key, type: input.type, classification: input.classification },
      });
      await within?.(tx, row.id);
      return definitionOf(row);
    });
  }

  async update(actor: Actor, context: RequestContext, id: string, change: CustomFieldChange): Promise<CustomFieldDefinition> {
    this.requireManage(actor);
    return this.kernel.transaction(async (tx) => {
      const db = tx.trx as unknown as AnyDb;
      const row = await db.selectFrom('custom_fields').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('custom field');
      const current = definitionOf(row);
      const changes: Record<string, unknown> = { updated_at: nowIso() };
      if (change.labelZh !== undefined) changes.label_zh = change.labelZh;
      if (change.labelEn !== undefined) changes.label_en = change.labelEn;
      if (change.options !== undefined) {
        const options = checkOptions(current.type, change.options) ?? [];
        const dropped = (current.options ?? []).filter((o) => !options.includes(o));
        if (dropped.length > 0 && current.classification !== 'personal' && current.classification !== 'sensitive') {
          const used = await db
            .selectFrom('custom_values')
            .select('id')
            .where('field_id', '=', id)
            .where('value_text', 'in', dropped)
            .limit(1)
            .executeTakeFirst();
          if (used) throw conflict(`option ${dropped.join(', ')} of ${current.key} is still used by a record`);
        } else if (dropped.length > 0)
          throw conflict(`options of the ${current.classification} field ${current.key} may be added, not dropped (its values are encrypted)`);
        changes.options = JSON.stringify(options);
      }
      if (change.mask !== undefined) {
        if (current.classification !== 'personal' && current.classification !== 'sensitive')
          throw unprocessable(`a ${current.classification} field is never masked: mask applies to personal and sensitive fields`);
        changes.mask = change.mask;
      }
      await db.updateTable('custom_fields').set(changes).where('id', '=', id).execute();
      await tx.audit(actor, context, {
        action: 'record.updated',
        outcome: 'success',
        resource: 'custom_fields',
        resourceId: id,
        fields: Object.keys(change),
        detail: { object: current.object, key: current.key },
      });
      return definitionOf({ ...row, ...changes });
    });
  }

  /** Removes the field and every value of it (a personal value's ciphertext goes with its row). */
  async remove(actor: Actor, context: RequestContext, id: string): Promise<void> {
    this.requireManage(actor);
    await this.kernel.transaction(async (tx) => {
      const db = tx.trx as unknown as AnyDb;
      const row = await db.selectFrom('custom_fields').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('custom field');
      const removed = await db.deleteFrom('custom_values').where('field_id', '=', id).executeTakeFirst();
      await db.deleteFrom('custom_fields').where('id', '=', id).execute();
      await tx.audit(actor, context, {
        action: 'record.deleted',
        outcome: 'success',
        resource: 'custom_fields',
        resourceId: id,
        detail: { object: String(row.object), key: String(row.key), valuesRemoved: Number(removed.numDeletedRows) },
      });
    });
  }
}
