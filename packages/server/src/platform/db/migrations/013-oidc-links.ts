import type { Kysely } from 'kysely';

/**
 * Single sign-on links that need proof: an IdP identity whose e-mail matches an existing account is
 * no longer linked by that alone. It waits here until the account's owner proves it (password and
 * second factor) or a security administrator approves it. Links record how they were made.
 */
export function oidcLinksMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('oidc_pending_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('proof_expires_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('oidc_pending_links_identity', ['issuer', 'subject'])
        .execute();
      await db.schema.createIndex('oidc_pending_links_user').on('oidc_pending_links').column('user_id').execute();
      await db.schema.createIndex('oidc_pending_links_expires').on('oidc_pending_links').column('expires_at').execute();
      // Links made before this migration (by e-mail alone) keep NULL, so an operator can review them.
      await db.schema.alterTable('oidc_identities').addColumn('linked_via', 'text').execute();
    },
  };
}
