import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';

/**
 * WebAuthn passkeys and security keys as a second factor: the registered credentials (public key,
 * signature counter) and the one-time challenges handed to the browser (registration, sign-in, step-up).
 */
export function passkeyMigration(dialect: DialectKind) {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('webauthn_credentials')
        // The credential id as the authenticator gave it (base64url).
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // COSE public key: public, so stored as is.
        .addColumn('public_key', blob, (c) => c.notNull())
        .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
        // JSON array of transport hints ("usb", "internal", …).
        .addColumn('transports', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('webauthn_credentials_user').on('webauthn_credentials').columns(['user_id', 'created_at']).execute();

      await db.schema
        .createTable('webauthn_challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // 'registration' | 'authentication' (second sign-in step) | 'step_up'
        .addColumn('purpose', 'text', (c) => c.notNull())
        // The random challenge (base64url) the browser must sign.
        .addColumn('challenge', 'text', (c) => c.notNull())
        // Bound to the sign-in challenge (authentication) or to the session (registration, step-up).
        .addColumn('mfa_challenge_id', 'text', (c) => c.references('mfa_challenges.id').onDelete('cascade'))
        .addColumn('session_id', 'text', (c) => c.references('sessions.id').onDelete('cascade'))
        .addColumn('rp_id', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('consumed_at', 'text')
        .execute();
      await db.schema.createIndex('webauthn_challenges_mfa').on('webauthn_challenges').columns(['mfa_challenge_id']).execute();
      await db.schema.createIndex('webauthn_challenges_session').on('webauthn_challenges').columns(['session_id']).execute();
    },
  };
}
