import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';

/**
 * Single sign-on with OpenID Connect: sign-ins in flight (one row per /start, consumed once by the
 * callback) and the IdP identities linked to staff accounts.
 */
export function oidcMigration(dialect: DialectKind) {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('oidc_logins')
        // SHA-256 of the `state` the browser holds (like session tokens, the value itself is not stored).
        .addColumn('state_hash', 'text', (c) => c.primaryKey())
        // The PKCE code verifier, encrypted under a key derived from the state and the blind-index key.
        .addColumn('code_verifier_enc', blob, (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('consumed_at', 'text')
        .execute();
      await db.schema.createIndex('oidc_logins_expires').on('oidc_logins').column('expires_at').execute();

      await db.schema
        .createTable('oidc_identities')
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_login_at', 'text')
        .addPrimaryKeyConstraint('oidc_identities_pk', ['issuer', 'subject'])
        .execute();
      await db.schema.createIndex('oidc_identities_user').on('oidc_identities').column('user_id').execute();
    },
  };
}
