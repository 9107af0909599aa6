import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import type { WithinCreate } from '../data/idempotency-keys.js';
import { conflict } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { ensureTeam } from './user-directory.js';

export async function listTeams(kernel: Kernel) {
  const rows = await kernel.db.kysely.selectFrom('teams').selectAll().orderBy('name').execute();
  return rows.map((t) => ({ id: t.id, name: t.name, createdAt: t.created_at }));
}

export async function createTeam(kernel: Kernel, actor: Actor, context: RequestContext, name: string, within?: WithinCreate) {
  const existing = await kernel.db.kysely.selectFrom('teams').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) throw conflict('a team with this name exists');
  const id = await kernel.transaction(async (tx) => {
    const made = await ensureTeam(tx, actor, context, name);
    await within?.(tx, made);
    return made;
  });
  return { id, name };
}
