import { defaultRoles, type RoleDefinition, type RoleKey } from '@castellan/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { installRoleMatrix, isKnownRole, type RoleMatrix } from './role-matrix.js';

/** Reads the role matrix from the database and makes it the one in force in this process. */
export async function loadRoleMatrix(db: Kysely<Database>): Promise<RoleMatrix> {
  const rows = await db.selectFrom('roles').selectAll().execute();
  const matrix: Record<RoleKey, RoleDefinition> = { ...defaultRoles };
  for (const row of rows) {
    if (!isKnownRole(row.key)) continue;
    matrix[row.key] = {
      key: row.key,
      administrator: defaultRoles[row.key].administrator,
      permissions: JSON.parse(row.permissions),
      scope: JSON.parse(row.scope),
      fields: JSON.parse(row.fields),
    };
  }
  installRoleMatrix(matrix);
  return matrix;
}

/** The newest change time, to notice edits made by another node. */
export async function roleMatrixVersion(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('roles')
    .select((eb) => eb.fn.max('updated_at').as('v'))
    .executeTakeFirst();
  return String(row?.v ?? '');
}
