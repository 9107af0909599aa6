import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType } from '../record-table.js';

/**
 * Custom fields and saved views, in tables of their own (no other object's table changes):
 * - `custom_fields`: fields an administrator adds to a store object at run time (key, labels, type,
 *   enum options, classification, mask). Definitions, not data about anyone.
 * - `custom_values`: one row per (record, field). A public or internal value is kept in `value_text`;
 *   a personal or sensitive one only in `value_enc`, sealed under the record's data subject key
 *   (`subject_id`, so key rotation and erasure find it), the AAD binding object, record and field
 *   (the row id is `<field id>:<record id>`).
 * - `saved_views`: a user's named filters and sort over one object (plain fields only).
 */
export function customFieldsMigration(dialect: DialectKind) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('custom_fields')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('label_zh', 'text', (c) => c.notNull())
        .addColumn('label_en', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('options', 'text')
        .addColumn('classification', 'text', (c) => c.notNull())
        .addColumn('mask', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('custom_fields_object_key', ['object', 'key'])
        .execute();

      await db.schema
        .createTable('custom_values')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('field_id', 'text', (c) => c.notNull().references('custom_fields.id'))
        .addColumn('subject_id', 'text', (c) => c.references('data_subjects.id'))
        .addColumn('value_text', 'text')
        .addColumn('value_enc', blobType(dialect))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('custom_values_record').on('custom_values').columns(['object', 'record_id']).execute();
      await db.schema.createIndex('custom_values_field').on('custom_values').column('field_id').execute();
      await db.schema.createIndex('custom_values_subject_id').on('custom_values').column('subject_id').execute();

      await db.schema
        .createTable('saved_views')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('filters', 'text', (c) => c.notNull())
        .addColumn('sort_field', 'text')
        .addColumn('sort_order', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('saved_views_user_object_name', ['user_id', 'object', 'name'])
        .execute();
      await db.schema.createIndex('saved_views_user').on('saved_views').columns(['user_id', 'object']).execute();
    },
  };
}
