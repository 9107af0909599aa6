import { type FieldSpec, fieldCatalogue, isProtected, type ObjectCatalogue, objectSpecs, storeObjects } from '@castellan/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/platform/kernel.js';
import { testDialects } from '../helpers/databases.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/** The columns of a table in the live schema. */
async function columnsOf(kernel: Kernel, table: string): Promise<string[]> {
  if (kernel.db.dialect === 'sqlite') {
    const rows = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(kernel.db.kysely);
    return rows.rows.map((r) => r.name);
  }
  const rows = await sql<{ column_name: string }>`
    SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table}`.execute(kernel.db.kysely);
  return rows.rows.map((r) => r.column_name);
}

/** What the catalogue says a store object's table must hold. */
function expectedColumns(object: (typeof storeObjects)[number]): string[] {
  const spec = objectSpecs[object] as { ownership: string; subject?: unknown };
  const out = ['id', 'created_at', 'updated_at'];
  if (spec.ownership === 'owned') out.push('owner_id', 'team_id');
  const fields = Object.values(fieldCatalogue[object] as ObjectCatalogue) as FieldSpec[];
  if (fields.some(isProtected)) out.push('subject_id');
  for (const field of fields) {
    if (!isProtected(field)) out.push(field.column);
    else {
      out.push(`${field.column}_enc`);
      if (field.blindIndex && field.blindIndex !== 'name') out.push(`${field.column}_bidx`);
    }
  }
  return [...new Set(out)].sort();
}

/** Every object declared in the field catalogue has a table that matches the declaration (migrations are snapshots). */
describe.each(testDialects)('the tables match the field catalogue on %s', (dialect) => {
  let install: TestInstall;
  beforeAll(async () => {
    install = await createTestInstall(dialect);
  });
  afterAll(async () => install?.cleanup());

  it.each(storeObjects)('%s', async (object) => {
    const live = await columnsOf(install.kernel, object);
    expect(live.length, `no table ${object}: write its migration`).toBeGreaterThan(0);
    const missing = expectedColumns(object).filter((c) => !live.includes(c));
    expect(missing, `${object}: columns the catalogue declares but the table lacks`).toEqual([]);
  });
});

/** PostgreSQL: every text column sorts byte by byte, as on SQLite (migrations/036-text-collation.ts). */
describe.each(testDialects.filter((d) => d === 'postgres'))('text columns on %s', (dialect) => {
  let install: TestInstall;
  beforeAll(async () => {
    install = await createTestInstall(dialect);
  });
  afterAll(async () => install?.cleanup());

  it('are all COLLATE "C" (a migration adding one writes textType(dialect), platform/db/text-type.ts)', async () => {
    const rows = await sql<{ column: string }>`
      SELECT c.table_name || '.' || c.column_name AS column FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema() AND c.data_type IN ('text', 'character varying')
        AND c.collation_name IS DISTINCT FROM 'C' AND c.table_name NOT LIKE 'kysely\\_%'`.execute(install.kernel.db.kysely);
    expect(rows.rows.map((r) => r.column)).toEqual([]);
  });
});
