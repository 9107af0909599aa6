import type { Kysely } from 'kysely';

/**
 * The privacy portal's consent sessions: a person proves they hold an e-mail address with a one-time
 * code before seeing and changing their consents. Only keyed MACs of the code and of the session key
 * are stored, and the ids of the people on record with that address (none for an unknown address:
 * the row is written all the same) — never the address itself.
 */
export function portalConsentSessionsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('portal_consent_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_ids', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('code_mac', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('attempts_left', 'integer', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('key_mac', 'text')
        .addColumn('key_expires_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('portal_consent_sessions_created').on('portal_consent_sessions').column('created_at').execute();
    },
  };
}
