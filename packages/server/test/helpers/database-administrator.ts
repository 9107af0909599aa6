import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/platform/db/schema.js';
import type { Kernel } from '../../src/platform/kernel.js';

/**
 * What someone with full rights on the database could do behind Castellan's back: switch the audit
 * trail's append-only guards off and change it. SQLite: drops the triggers on the file. PostgreSQL:
 * as the owner role (CASTELLAN_DATABASE_OWNER_URL; the application role cannot), takes back the
 * privileges migration 008 revoked and disables the triggers. `work` runs with that connection.
 */
export async function asDatabaseAdministrator<T>(kernel: Kernel, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (kernel.db.dialect === 'sqlite') {
    const db = kernel.db.kysely;
    await sql`DROP TRIGGER IF EXISTS audit_events_no_update`.execute(db);
    await sql`DROP TRIGGER IF EXISTS audit_events_no_delete`.execute(db);
    return work(db);
  }
  return kernel.db.withOwner(async (owner) => {
    await sql`GRANT UPDATE, DELETE, TRUNCATE ON audit_events, audit_subjects, audit_checkpoints TO CURRENT_USER`.execute(owner);
    await sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(owner);
    return work(owner);
  });
}
