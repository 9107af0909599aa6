import { afterEach, describe, expect, it } from 'vitest';
import { currentRoleMatrix } from '../../src/platform/authz/role-matrix.js';
import { openKernel } from '../../src/platform/kernel.js';
import { testDialects } from '../helpers/databases.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/** A version that brings a new object brings its default grants to installations made before, once. */
describe.each(testDialects)('default grants of a new version on %s', (dialect) => {
  let install: TestInstall | undefined;
  afterEach(async () => {
    await install?.cleanup();
    install = undefined;
  });

  const storedPermissions = async (i: TestInstall, key: string) =>
    JSON.parse(
      (
        await i.kernel.db.kysely
          .selectFrom('roles')
          .select('permissions')
          .where('key', '=', key as never)
          .executeTakeFirstOrThrow()
      ).permissions,
    ) as string[];

  it('adds a grant the installation never had, audited, and never again once an administrator removed it', async () => {
    install = await createTestInstall(dialect);
    const db = install.kernel.db.kysely;
    // As if made by a version without channels: neither the role nor the ledger knows channels.read.
    const ledger = JSON.parse(
      (await db.selectFrom('settings').select('value').where('key', '=', 'default_grants_applied').executeTakeFirstOrThrow()).value,
    ) as string[];
    expect(ledger).toContain('sales_rep|permission|channels.read');
    await db
      .updateTable('settings')
      .set({ value: JSON.stringify(ledger.filter((g) => g !== 'sales_rep|permission|channels.read')) })
      .where('key', '=', 'default_grants_applied')
      .execute();
    const without = (await storedPermissions(install, 'sales_rep')).filter((p) => p !== 'channels.read');
    await db
      .updateTable('roles')
      .set({ permissions: JSON.stringify(without) })
      .where('key', '=', 'sales_rep')
      .execute();

    await install.kernel.close();
    install.kernel = await openKernel(install.config);
    expect(await storedPermissions(install, 'sales_rep')).toContain('channels.read');
    expect(currentRoleMatrix().sales_rep.permissions).toContain('channels.read');
    const event = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .select(['detail', 'actor_kind'])
      .where('action', '=', 'role.changed')
      .executeTakeFirstOrThrow();
    expect(event.actor_kind).toBe('system');
    expect(JSON.parse(String(event.detail)).added).toEqual(['sales_rep|permission|channels.read']);

    // A security administrator removes it: the next start leaves it removed.
    await install.kernel.db.kysely
      .updateTable('roles')
      .set({ permissions: JSON.stringify(without) })
      .where('key', '=', 'sales_rep')
      .execute();
    await install.kernel.close();
    install.kernel = await openKernel(install.config);
    expect(await storedPermissions(install, 'sales_rep')).not.toContain('channels.read');
  });
});
