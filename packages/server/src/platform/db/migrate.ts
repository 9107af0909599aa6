import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db, DialectKind } from './database.js';
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
import { staffCredentialsMigration } from './migrations/011-staff-credentials.js';
import { maskedSearchAndAuditSealMigration } from './migrations/012-masked-search-and-audit-seal.js';
import { oidcLinksMigration } from './migrations/013-oidc-links.js';
import { sealedStaffDetailsMigration } from './migrations/014-sealed-staff-details.js';
import { channelsMigration } from './migrations/015-channels.js';
import { airtimeMigration } from './migrations/016-airtime.js';
import { dealsBookingsContractsMigration } from './migrations/017-deals-bookings-contracts.js';
import { licensingMigration } from './migrations/018-licensing.js';
import { partiesMigration } from './migrations/019-parties.js';
import { subscribersMigration } from './migrations/020-subscribers.js';
import { activitiesAndCasesMigration } from './migrations/021-activities-and-cases.js';
import { consentsAndCampaignsMigration } from './migrations/022-consents-and-campaigns.js';
import { customFieldsMigration } from './migrations/023-custom-fields-and-saved-views.js';
import { importsMigration } from './migrations/024-imports.js';
import { idempotencyKeysMigration } from './migrations/025-idempotency-keys.js';
import { privacyRequestsMigration } from './migrations/026-privacy-requests.js';
import { subjectDataMigration } from './migrations/027-subject-data.js';
import { consentLedgerMigration } from './migrations/028-consent-ledger.js';
import { auditorRoleMigration } from './migrations/029-auditor-role.js';
import { breachRegisterMigration } from './migrations/030-breach-register.js';
import { retentionMigration } from './migrations/031-retention.js';
import { processingRecordsMigration } from './migrations/032-processing-records.js';
import { portalConsentSessionsMigration } from './migrations/033-portal-consent-sessions.js';
import { backupsMigration } from './migrations/034-backups.js';
import { auditKeyRevocationsMigration } from './migrations/035-audit-key-revocations.js';
import { textCollationMigration } from './migrations/036-text-collation.js';
import { appliedMigrations, checkRoleSeparation, currentRole, grantApplicationRole, ownedByAnotherRole } from './postgres-roles.js';

function migrationsFor(dialect: DialectKind): Record<string, Migration> {
  return {
    '001-initial': initialMigration(dialect),
    '002-identity': identityMigration(dialect),
    '003-passkeys': passkeyMigration(dialect),
    '004-oidc': oidcMigration(dialect),
    '005-access-reviews': accessReviewMigration(),
    '006-password-resets': passwordResetMigration(),
    '007-roles': roleMatrixMigration(),
    '008-audit': auditMigration(dialect),
    '009-siem': siemMigration(),
    '010-throttle-window': throttleWindowMigration(),
    '011-staff-credentials': staffCredentialsMigration(),
    '012-masked-search-and-audit-seal': maskedSearchAndAuditSealMigration(dialect),
    '013-oidc-links': oidcLinksMigration(),
    '014-sealed-staff-details': sealedStaffDetailsMigration(dialect),
    '015-channels': channelsMigration(),
    '016-airtime': airtimeMigration(),
    '017-deals-bookings-contracts': dealsBookingsContractsMigration(dialect),
    '018-licensing': licensingMigration(),
    '023-custom-fields-and-saved-views': customFieldsMigration(dialect),
    '021-activities-and-cases': activitiesAndCasesMigration(dialect),
    '022-consents-and-campaigns': consentsAndCampaignsMigration(dialect),
    '019-parties': partiesMigration(dialect),
    '020-subscribers': subscribersMigration(dialect),
    '024-imports': importsMigration(dialect),
    '025-idempotency-keys': idempotencyKeysMigration(),
    '026-privacy-requests': privacyRequestsMigration(dialect),
    '027-subject-data': subjectDataMigration(dialect),
    '028-consent-ledger': consentLedgerMigration(),
    '029-auditor-role': auditorRoleMigration(),
    '030-breach-register': breachRegisterMigration(dialect),
    '031-retention': retentionMigration(),
    '032-processing-records': processingRecordsMigration(dialect),
    '033-portal-consent-sessions': portalConsentSessionsMigration(),
    '034-backups': backupsMigration(),
    '035-audit-key-revocations': auditKeyRevocationsMigration(),
    '036-text-collation': textCollationMigration(dialect),
  };
}

class StaticMigrations implements MigrationProvider {
  constructor(
    private readonly dialect: DialectKind,
    private readonly only?: readonly string[],
  ) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const all = migrationsFor(this.dialect);
    return this.only ? Object.fromEntries(Object.entries(all).filter(([name]) => this.only?.includes(name))) : all;
  }
}

/** The names of every migration this version of Castellan knows. */
export const knownMigrations = (dialect: DialectKind): string[] => Object.keys(migrationsFor(dialect));

/**
 * Applies exactly the named migrations (a restore rebuilds the schema a backup was taken with, loads
 * its rows, then migrates to the latest); an unknown name (a backup of a newer Castellan) is refused.
 */
export async function migrateOnly(db: Db, names: readonly string[]): Promise<void> {
  await db.withOwner((owner) => migrateOnlyOn(owner, db.dialect, names));
}

/**
 * migrateOnly on a Kysely of the schema's owner. `inOpenTransaction`: the connection is already inside
 * a transaction (a PostgreSQL restore that builds the schema and loads the rows in one), so the
 * migrations run in it instead of each in its own.
 */
export async function migrateOnlyOn(owner: Kysely<any>, dialect: DialectKind, names: readonly string[], inOpenTransaction = false): Promise<void> {
  const known = new Set(knownMigrations(dialect));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new Error(`the backup was made by a newer Castellan (migrations ${unknown.join(', ')} are unknown here): restore it with that version`);
  const migrator = new Migrator({
    db: owner,
    provider: new StaticMigrations(dialect, names),
    allowUnorderedMigrations: true,
    disableTransactions: inOpenTransaction,
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new Error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
}

export interface MigrationReport {
  applied: string[];
}

async function runMigrations(kysely: Kysely<any>, dialect: DialectKind): Promise<MigrationReport> {
  // Unordered: a migration merged from a parallel branch may carry a lower number than one already
  // applied on a development database; each migration still runs exactly once.
  const migrator = new Migrator({ db: kysely, provider: new StaticMigrations(dialect), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * Brings the schema up to date; the same migrations run on SQLite and PostgreSQL.
 *
 * PostgreSQL with CASTELLAN_DATABASE_OWNER_URL: the owner role migrates, on its own connection,
 * then grants the application role only what it needs (postgres-roles.ts). Without an owner URL, a
 * role that owns the schema migrates it itself (one role for both); an application role that owns
 * nothing (the owner URL kept away from this process) only checks that nothing is pending.
 */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  if (db.dialect === 'postgres' && db.separateOwner) {
    return db.withOwner(async (owner) => {
      const roles = await checkRoleSeparation(db.kysely, owner);
      const report = await runMigrations(owner, db.dialect);
      if (roles.separate) await grantApplicationRole(owner, roles.appRole, roles.schema);
      return report;
    });
  }
  if (db.dialect === 'postgres' && (await ownedByAnotherRole(db.kysely, 'kysely_migration'))) {
    const applied = new Set(await appliedMigrations(db.kysely));
    const pending = Object.keys(migrationsFor(db.dialect)).filter((name) => !applied.has(name));
    if (pending.length > 0) {
      throw new Error(
        `the database schema needs migrations (${pending.join(', ')}) and the application role "${await currentRole(db.kysely)}" does not own it: ` +
          'run `castellan migrate` with CASTELLAN_DATABASE_OWNER_URL set',
      );
    }
    return { applied: [] };
  }
  return runMigrations(db.kysely, db.dialect);
}
