import type { Kysely } from 'kysely';

/**
 * Idempotency keys of creates: one row per (actor, route, key) for 24 hours, naming the record the
 * first request created and the status it answered. The key and the body are kept only as keyed
 * MACs (the body holds personal data; a MAC under a server secret reveals nothing of it); no value
 * of a person is stored. The primary key makes the claim atomic: parallel repeats create one record.
 */
export function idempotencyKeysMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('body_hash', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['actor', 'route', 'key_hash'])
        .execute();
      await db.schema.createIndex('idempotency_keys_expiry').on('idempotency_keys').column('expires_at').execute();
    },
  };
}
