import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db } from './database.js';
import { initialMigration } from './migrations/001-initial.js';
import { identityMigration } from './migrations/002-identity.js';
import { passkeyMigration } from './migrations/003-passkeys.js';
import { oidcMigration } from './migrations/004-oidc.js';
import { accessReviewMigration } from './migrations/005-access-reviews.js';
import { passwordResetMigration } from './migrations/006-password-resets.js';
import { roleMatrixMigration } from './migrations/007-roles.js';
import { auditMigration } from './migrations/008-audit.js';
import { siemMigration } from './migrations/009-siem.js';
import { throttleWindowMigration } from './migrations/010-throttle-window.js';

class StaticMigrations implements MigrationProvider {
  constructor(private readonly db: Db) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '001-initial': initialMigration(this.db.dialect),
      '002-identity': identityMigration(this.db.dialect),
      '003-passkeys': passkeyMigration(this.db.dialect),
      '004-oidc': oidcMigration(this.db.dialect),
      '005-access-reviews': accessReviewMigration(),
      '006-password-resets': passwordResetMigration(),
      '007-roles': roleMatrixMigration(),
      '008-audit': auditMigration(this.db.dialect),
      '009-siem': siemMigration(),
      '010-throttle-window': throttleWindowMigration(),
    };
  }
}

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema up to date; the same migrations run on SQLite and PostgreSQL. */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const migrator = new Migrator({ db: db.kysely, provider: new StaticMigrations(db) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
