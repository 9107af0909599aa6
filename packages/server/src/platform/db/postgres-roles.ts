import { type Kysely, sql } from 'kysely';

/**
 * The PostgreSQL privilege model. With CASTELLAN_DATABASE_OWNER_URL the schema belongs to an owner
 * role that runs the migrations and the audit retention's delete step; after every migration it
 * grants the application role (CASTELLAN_DATABASE_URL) only what the application needs. The audit
 * trail is read-and-append only for it: it cannot UPDATE, DELETE or TRUNCATE it, grant itself those
 * privileges back, or drop the triggers, because it owns nothing. Without an owner URL one role is
 * both: the triggers still refuse changes, but a role that owns a table can undo any REVOKE on it.
 */

/** The application role may only read and append to these (the audit trail, its index, its checkpoints). */
export const APPEND_ONLY_TABLES: readonly string[] = ['audit_events', 'audit_subjects', 'audit_checkpoints'];
/** Kysely's bookkeeping: the application role may read which migrations ran, nothing more. */
const MIGRATION_TABLE = 'kysely_migration';
const MIGRATION_LOCK_TABLE = 'kysely_migration_lock';

interface Session {
  role: string;
  schema: string;
  database: string;
  started: string;
  superuser: boolean;
}

async function session(db: Kysely<any>): Promise<Session> {
  const { rows } = await sql<Session>`
    SELECT current_user AS role, current_schema() AS schema, current_database() AS database,
           pg_postmaster_start_time()::text AS started,
           coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser`.execute(db);
  const row = rows[0];
  if (!row?.schema) throw new Error('the PostgreSQL role has no schema to work in (check its search_path)');
  return row;
}

export interface RoleSeparation {
  /** False when both URLs name the same role (one role for both: nothing to grant). */
  separate: boolean;
  appRole: string;
  schema: string;
}

/**
 * Before the owner migrates: both connections reach the same database and schema, and the
 * application role is an ordinary role that neither is, nor is a member of, nor owns what the owner
 * should own. Each refusal says what to do; no URL is ever part of a message.
 */
export async function checkRoleSeparation(app: Kysely<any>, owner: Kysely<any>): Promise<RoleSeparation> {
  const [a, o] = [await session(app), await session(owner)];
  if (a.database !== o.database || a.started !== o.started) {
    throw new Error('CASTELLAN_DATABASE_OWNER_URL must name the same PostgreSQL server and database as CASTELLAN_DATABASE_URL');
  }
  if (a.schema !== o.schema) {
    throw new Error(`the application role works in schema "${a.schema}" but the owner role in "${o.schema}": give both the same search_path`);
  }
  if (a.role === o.role) return { separate: false, appRole: a.role, schema: o.schema };
  if (a.superuser) {
    throw new Error(
      `the application role "${a.role}" (CASTELLAN_DATABASE_URL) is a superuser and would bypass every privilege: use an ordinary role (NOSUPERUSER) that owns nothing`,
    );
  }
  const { rows: member } = await sql<{ member: boolean }>`SELECT pg_has_role(${a.role}::name, current_user, 'MEMBER') AS member`.execute(owner);
  if (member[0]?.member) {
    throw new Error(`the application role "${a.role}" is a member of the owner role "${o.role}" and would hold its rights: revoke that membership`);
  }
  const { rows: foreign } = await sql<{ name: string; owner: string }>`
    SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${o.schema} AND c.relkind IN ('r', 'p', 'S', 'v', 'm') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
     ORDER BY c.relname`.execute(owner);
  if (foreign.length > 0) {
    const owners = [...new Set(foreign.map((f) => f.owner))];
    throw new Error(
      `${foreign.length} table(s) or sequence(s) in schema "${o.schema}" (${foreign
        .slice(0, 3)
        .map((f) => f.name)
        .join(', ')}${foreign.length > 3 ? ', …' : ''}) are owned by ${owners.map((r) => `"${r}"`).join(', ')}, not by the owner role "${o.role}": ` +
        `as a superuser, run REASSIGN OWNED BY ${owners.map((r) => `"${r}"`).join(', ')} TO "${o.role}" in this database, then migrate again`,
    );
  }
  return { separate: true, appRole: a.role, schema: o.schema };
}

/**
 * Run by the owner after migrating, in one transaction: first everything the application role held
 * on the schema's tables and sequences is revoked, then it gets SELECT, INSERT, UPDATE and DELETE on
 * the ordinary tables, SELECT and INSERT on the append-only ones, SELECT on the migration record,
 * USAGE on the sequences (nextval; not setval) and on the schema. Nothing else: no TRUNCATE, no
 * TRIGGER, no REFERENCES, no ownership.
 */
export async function grantApplicationRole(owner: Kysely<any>, appRole: string, schema: string): Promise<void> {
  await owner.transaction().execute(async (trx) => {
    // Two processes starting together (a server and a CLI verb) would otherwise update the same ACLs
    // at once ("tuple concurrently updated"): one grants at a time.
    await sql`SELECT pg_advisory_xact_lock(7243)`.execute(trx);
    const app = sql.id(appRole);
    const ns = sql.id(schema);
    await sql`REVOKE ALL ON ALL TABLES IN SCHEMA ${ns} FROM ${app}`.execute(trx);
    await sql`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${ns} FROM ${app}`.execute(trx);
    await sql`GRANT USAGE ON SCHEMA ${ns} TO ${app}`.execute(trx);
    const { rows } = await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = ${schema} ORDER BY tablename`.execute(trx);
    for (const { name } of rows) {
      const table = sql.table(`${schema}.${name}`);
      if (name === MIGRATION_LOCK_TABLE) continue;
      if (name === MIGRATION_TABLE) await sql`GRANT SELECT ON ${table} TO ${app}`.execute(trx);
      else if (APPEND_ONLY_TABLES.includes(name)) await sql`GRANT SELECT, INSERT ON ${table} TO ${app}`.execute(trx);
      else await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${app}`.execute(trx);
    }
    await sql`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${ns} TO ${app}`.execute(trx);
  });
}

/** True when `table` exists in the current schema and is owned by another role than the current one. */
export async function ownedByAnotherRole(db: Kysely<any>, table: string): Promise<boolean> {
  const { rows } = await sql<{ mine: boolean }>`
    SELECT tableowner = current_user AS mine FROM pg_tables WHERE schemaname = current_schema() AND tablename = ${table}`.execute(db);
  return rows.length > 0 && !rows[0]?.mine;
}

/** The migrations recorded as applied (readable by the application role). */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)} ORDER BY name`.execute(db);
  return rows.map((r) => r.name);
}

export async function currentRole(db: Kysely<any>): Promise<string> {
  return (await session(db)).role;
}
