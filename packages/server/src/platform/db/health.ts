import type { Kernel } from '../kernel.js';

/** Liveness: the database answers a trivial query. */
export async function databaseHealth(kernel: Kernel): Promise<{ status: 'ok'; database: 'sqlite' | 'postgres' }> {
  await kernel.db.kysely.selectFrom('settings').select('key').limit(1).execute();
  return { status: 'ok', database: kernel.db.dialect };
}
