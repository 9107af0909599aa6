import { isRoleKey, type RoleKey } from '@castellan/shared';
import type { Transaction } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { bootstrapPair } from '../authz/separation-of-duties.js';
import { BOOTSTRAP_ADMIN_SETTING } from '../db/migrations/011-staff-credentials.js';
import type { Database } from '../db/schema.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { afterRolesChanged } from './account-lifecycle.js';

/**
 * The first administrator made by `castellan init` holds system_admin and security_admin "until a
 * second administrator exists" (SPEC section 1). The install remembers who that is (a setting); the
 * moment another user is granted one of the two roles, the first administrator gives that role up in
 * the same transaction — audited, their sessions ended, their tokens narrowed — and the pair is over.
 */
export async function bootstrapAdminId(kernel: Kernel, trx: Transaction<Database>): Promise<string | undefined> {
  let q = trx.selectFrom('settings').select('value').where('key', '=', BOOTSTRAP_ADMIN_SETTING);
  // Two grants racing on PostgreSQL: the second waits, then sees the pair already ended.
  if (kernel.db.dialect === 'postgres') q = q.forUpdate();
  return (await q.executeTakeFirst())?.value;
}

export async function markBootstrapAdmin(trx: Transaction<Database>, userId: string): Promise<void> {
  await trx.insertInto('settings').values({ key: BOOTSTRAP_ADMIN_SETTING, value: userId }).execute();
}

export async function rolesIn(trx: Transaction<Database>, userId: string): Promise<RoleKey[]> {
  const rows = await trx.selectFrom('user_roles').select('role_key').where('user_id', '=', userId).execute();
  return rows.map((r) => r.role_key).filter(isRoleKey);
}

/** True when `userId` is the first administrator and may still hold both roles of the pair. */
export async function holdsBootstrapPair(kernel: Kernel, trx: Transaction<Database>, userId: string): Promise<boolean> {
  return (await bootstrapAdminId(kernel, trx)) === userId;
}

/** Called after `grantee` was given `granted` (all their roles now): ends the pair when it must. */
export async function endBootstrapPairIfNeeded(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  grantee: string,
  granted: readonly RoleKey[],
): Promise<void> {
  const handedOver = granted.filter((role) => bootstrapPair.includes(role));
  if (handedOver.length === 0) return;
  const admin = await bootstrapAdminId(kernel, tx.trx);
  if (!admin || admin === grantee) return;
  const before = await rolesIn(tx.trx, admin);
  await tx.trx.deleteFrom('user_roles').where('user_id', '=', admin).where('role_key', 'in', handedOver).execute();
  await tx.trx.deleteFrom('settings').where('key', '=', BOOTSTRAP_ADMIN_SETTING).execute();
  const after = before.filter((role) => !handedOver.includes(role));
  await afterRolesChanged(tx, actor, context, admin, before, after, { reason: 'bootstrap_pair_ended', secondAdministrator: grantee });
}
