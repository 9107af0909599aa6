import type { RoleKey } from '@castellan/shared';
import type { Transaction } from 'kysely';
import { currentRoleMatrix, type RoleMatrix } from '../authz/role-matrix.js';
import { assignmentProblems } from '../authz/separation-of-duties.js';
import type { Database } from '../db/schema.js';
import { unprocessable } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { holdsBootstrapPair } from './bootstrap-admin.js';

/**
 * Refuses (422, nothing changed) a set of roles one user may not hold together: 等保 三员分立 across
 * all of the user's roles. `userId` null: a new account (never the first administrator, unless
 * `bootstrap` says this is `castellan init` making them).
 */
export async function assertAssignable(
  kernel: Kernel,
  trx: Transaction<Database>,
  userId: string | null,
  roles: readonly RoleKey[],
  options: { bootstrap?: boolean; matrix?: RoleMatrix } = {},
): Promise<void> {
  const pair = options.bootstrap === true || (userId !== null && (await holdsBootstrapPair(kernel, trx, userId)));
  const problems = assignmentProblems(roles, options.matrix ?? currentRoleMatrix(), { bootstrapPair: pair });
  if (problems.length > 0) throw unprocessable(`these roles cannot be held by one user: ${problems.join('; ')}`, problems);
}
