import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../database.js';

/** The first schema: key material, data subjects, identity, contacts, accounts, audit, rotations. */
export function initialMigration(dialect: DialectKind) {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('data_keys')
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('suite', 'text', (c) => c.notNull())
        .addColumn('kek_id', 'text', (c) => c.notNull())
        .addColumn('wrapped', blob, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('data_keys_pk', ['purpose', 'version'])
        .execute();

      await db.schema
        .createTable('data_subjects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key_version', 'integer', (c) => c.notNull())
        .addColumn('wrapped_key', blob)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('erased_at', 'text')
        .execute();
      await db.schema.createIndex('data_subjects_key_version').on('data_subjects').columns(['key_version', 'id']).execute();

      await db.schema
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull().references('data_subjects.id'))
        .addColumn('email_enc', blob, (c) => c.notNull())
        .addColumn('email_bidx', 'text', (c) => c.notNull().unique())
        .addColumn('name_enc', blob, (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.references('teams.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('user_roles')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role_key', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_key'])
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();

      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('industry', 'text')
        .addColumn('website', 'text')
        .addColumn('country', 'text')
        .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('team_id', 'text', (c) => c.references('teams.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('accounts_team').on('accounts').columns(['team_id', 'id']).execute();
      await db.schema.createIndex('accounts_owner').on('accounts').columns(['owner_id', 'id']).execute();

      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull().references('data_subjects.id'))
        .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
        .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('team_id', 'text', (c) => c.references('teams.id'))
        .addColumn('name_enc', blob)
        .addColumn('email_enc', blob)
        .addColumn('phone_enc', blob)
        .addColumn('id_number_enc', blob)
        .addColumn('birth_date_enc', blob)
        .addColumn('address_enc', blob)
        .addColumn('wechat_id_enc', blob)
        .addColumn('job_title_enc', blob)
        .addColumn('email_bidx', 'text')
        .addColumn('phone_bidx', 'text')
        .addColumn('id_number_bidx', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      for (const column of ['email_bidx', 'phone_bidx', 'id_number_bidx', 'subject_id', 'account_id']) {
        await db.schema.createIndex(`contacts_${column}`).on('contacts').column(column).execute();
      }
      await db.schema.createIndex('contacts_team').on('contacts').columns(['team_id', 'id']).execute();
      await db.schema.createIndex('contacts_owner').on('contacts').columns(['owner_id', 'id']).execute();

      await db.schema
        .createTable('name_tokens')
        .addColumn('table_name', 'text', (c) => c.notNull())
        .addColumn('row_id', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('name_tokens_pk', ['table_name', 'digest', 'row_id'])
        .$call((t) => (dialect === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
        .execute();
      await db.schema.createIndex('name_tokens_row').on('name_tokens').columns(['table_name', 'row_id']).execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('resource', 'text')
        .addColumn('resource_id', 'text')
        .addColumn('subject_ids', 'text')
        .addColumn('fields', 'text')
        .addColumn('request_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('detail', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_resource').on('audit_events').columns(['resource', 'resource_id']).execute();
      await appendOnlyGuards(db, dialect);

      await db.schema
        .createTable('key_rotations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('to_version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'text')
        .execute();
    },
  };
}

/** The audit table refuses UPDATE and DELETE at the database itself, on both dialects. */
async function appendOnlyGuards(db: Kysely<unknown>, dialect: DialectKind): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql
        .raw(`CREATE TRIGGER audit_events_no_${op.toLowerCase()} BEFORE ${op} ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`)
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`,
    )
    .execute(db);
  await sql
    .raw('CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()')
    .execute(db);
  await sql
    .raw('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()')
    .execute(db);
}
