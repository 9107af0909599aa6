import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../database.js';

/**
 * Staff are data subjects too: their IP addresses, user agents and the names they give their passkeys
 * no longer reach the disk in plaintext.
 * - `sessions.client_enc`: the client's IP address and user agent, sealed together under the audit data
 *   key (sessions.ts). The plaintext `ip` and `user_agent` columns go; the values of existing sessions
 *   cannot be sealed here (SQL has no keys) and are dropped: sessions live 12 hours at most, so those
 *   sessions just show no address or browser in the user's list.
 * - `mfa_challenges.ip`: written, never read; dropped.
 * - `login_throttle`: per-address keys become `ip:<keyed pseudonym>` (sign-in.ts). The old keys
 *   (`ip:<address>`) are deleted: this resets the per-address counts of the current hour and lifts any
 *   address lockout in force at the upgrade (account and second-factor counters are kept).
 * - `webauthn_credentials.name_enc`: a passkey's name, sealed under its owner's subject key
 *   (passkey-names.ts). Existing plaintext names are dropped, not sealed: every passkey registered
 *   before this migration is labelled "Passkey <creation date>".
 * Values are overwritten before their columns are dropped: on PostgreSQL a dropped column stays in the
 * stored rows until they are rewritten, whereas an UPDATE leaves them only in dead row versions, which
 * VACUUM reclaims. SQLite rewrites the table on DROP COLUMN, and secure_delete zeroes what was freed.
 * New columns need no grant on PostgreSQL: the application role's privileges are per table.
 */
export function sealedStaffDetailsMigration(dialect: DialectKind) {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('sessions').addColumn('client_enc', blob).execute();
      await sql`UPDATE sessions SET ip = NULL, user_agent = NULL`.execute(db);
      // One column per statement: SQLite's ALTER TABLE takes a single action.
      await db.schema.alterTable('sessions').dropColumn('ip').execute();
      await db.schema.alterTable('sessions').dropColumn('user_agent').execute();

      await sql`UPDATE mfa_challenges SET ip = NULL`.execute(db);
      await db.schema.alterTable('mfa_challenges').dropColumn('ip').execute();

      await sql`DELETE FROM login_throttle WHERE key LIKE 'ip:%'`.execute(db);

      await db.schema.alterTable('webauthn_credentials').addColumn('name_enc', blob).execute();
      await sql`UPDATE webauthn_credentials SET name = ''`.execute(db);
      await db.schema.alterTable('webauthn_credentials').dropColumn('name').execute();
    },
  };
}
