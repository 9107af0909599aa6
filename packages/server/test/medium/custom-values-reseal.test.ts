import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { openValue } from '../../src/platform/crypto/envelope.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { CustomFieldDefinitions } from '../../src/platform/data/custom-field-definitions.js';
import { customValueRowId, resealCustom } from '../../src/platform/data/custom-values.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { loadInScope } from '../../src/platform/data/store-query.js';
import { tablePlan } from '../../src/platform/data/table-plan.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * When a record about a person moves to another person, the store re-seals its personal custom
 * values under the new person's key (resealCustom), or drops them when it names nobody. Exercised
 * here on contacts' rows directly, since no object about a person (`subject: { via }`) exists yet.
 */
describe.each(testDialects)('re-sealing custom values for another person on %s', (dialect) => {
  let install: TestInstall;
  let store: ProtectedStore;
  const system = asSystem('test reseal');
  let fieldId: string;

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    store = new ProtectedStore(install.kernel);
    fieldId = (
      await new CustomFieldDefinitions(install.kernel).create(system, noRequest, {
        object: 'contacts',
        key: 'visit_note',
        labelZh: '来访备注',
        labelEn: 'Visit note',
        type: 'text',
        classification: 'personal',
      })
    ).id;
  });
  afterAll(async () => install?.cleanup());

  const subjectOf = async (id: string) =>
    (await install.kernel.db.kysely.selectFrom('contacts').select('subject_id').where('id', '=', id).executeTakeFirstOrThrow()).subject_id as string;

  it('re-seals under the new person and drops the values when there is none', async () => {
    const manager = (await addUser(install.kernel, ['sales_manager'], 'Reseal')).actor;
    const a = String((await store.create(manager, noRequest, 'contacts', { name: 'Person A', custom: { visit_note: 'came on Tuesday' } })).id);
    const b = String((await store.create(manager, noRequest, 'contacts', { name: 'Person B' })).id);
    const subjectB = await subjectOf(b);
    const plan = tablePlan('contacts');
    await install.kernel.transaction(async (tx) => resealCustom(install.kernel, tx, plan, await loadInScope(tx, system, 'contacts', a), subjectB));
    const stored = await (install.kernel.db.kysely as any)
      .selectFrom('custom_values')
      .selectAll()
      .where('id', '=', customValueRowId(fieldId, a))
      .executeTakeFirst();
    expect(stored.subject_id).toBe(subjectB);
    const keyRow = await install.kernel.db.kysely.selectFrom('data_subjects').selectAll().where('id', '=', subjectB).executeTakeFirstOrThrow();
    const keyB = install.kernel.keyring.subjectKey(subjectB, keyRow.key_version, Buffer.from(keyRow.wrapped_key as Buffer));
    const aad = { table: 'custom_values', column: 'value', rowId: customValueRowId(fieldId, a) };
    expect(openValue(keyB, Buffer.from(stored.value_enc), aad, install.kernel.suite)).toBe('came on Tuesday');

    // When the record names nobody, its sealed values go (as its built-in personal values would).
    await install.kernel.transaction(async (tx) => resealCustom(install.kernel, tx, plan, await loadInScope(tx, system, 'contacts', a), null));
    expect(await (install.kernel.db.kysely as any).selectFrom('custom_values').selectAll().where('record_id', '=', a).execute()).toEqual([]);
  });
});
