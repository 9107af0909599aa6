import type { Kysely } from 'kysely';

/**
 * Audit signing keys revoked as compromised (platform/audit/signing-keys.ts): the key's id and
 * version and when it was revoked. What a revoked key signed is trusted only where something a
 * trusted key signed later vouches for it. Ids and times only.
 */
export function auditKeyRevocationsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('audit_key_revocations')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull().unique())
        .addColumn('revoked_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('audit_key_revocations').execute();
    },
  };
}
