import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { IntegrityError } from '../../src/platform/crypto/integrity-error.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { AppError } from '../../src/platform/errors.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser } from '../helpers/test-install.js';

const person = {
  name: '李小龙',
  email: 'Bruce.Lee@Example.com',
  phone: '13912345678',
  idNumber: '44010619401127001X',
  birthDate: '1940-11-27',
  address: '广州市 越秀区 某路 9号',
};

describe.each(testDialects)('protected store on %s', (dialect) => {
  let install: TestInstall;
  let store: ProtectedStore;
  let managerA: TestUser;
  let repA: TestUser;
  let repB: TestUser;
  let agent: TestUser;
  let sysAdmin: TestUser;
  let contactId: string;

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    store = new ProtectedStore(install.kernel);
    managerA = await addUser(install.kernel, ['sales_manager'], 'Team A');
    repA = await addUser(install.kernel, ['sales_rep'], 'Team A');
    repB = await addUser(install.kernel, ['sales_rep'], 'Team B');
    agent = await addUser(install.kernel, ['service_agent'], 'Care');
    sysAdmin = await addUser(install.kernel, ['system_admin']);
    const created = await store.create(managerA.actor, noRequest, 'contacts', person);
    contactId = String(created.id);
  });
  afterAll(async () => install?.cleanup());

  it('stores every personal value encrypted and returns it decrypted to a reader', async () => {
    const row = await install.kernel.db.kysely.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    for (const column of ['name_enc', 'email_enc', 'phone_enc', 'id_number_enc', 'birth_date_enc', 'address_enc'] as const) {
      const bytes = Buffer.from(row[column] as Buffer);
      expect(bytes[0]).toBe(1);
      for (const value of Object.values(person)) expect(bytes.includes(Buffer.from(value))).toBe(false);
    }
    const read = await store.get(managerA.actor, noRequest, 'contacts', contactId);
    expect(read).toMatchObject({ name: person.name, email: person.email, phone: person.phone, birthDate: person.birthDate, address: person.address });
    expect(read.idNumber).toBe('4401**********001X');
    expect(read.maskedFields).toEqual(['idNumber']);
  });

  it('finds the contact by e-mail, phone, ID number and name tokens', async () => {
    const by = async (field: string, value: string) =>
      (await store.list(managerA.actor, noRequest, 'contacts', { limit: 10, search: { field, value } })).items.map((c) => c.id);
    expect(await by('email', 'bruce.lee@example.COM')).toEqual([contactId]);
    expect(await by('phone', '+86 139-1234-5678')).toEqual([contactId]);
    expect(await by('idNumber', '44010619401127001x')).toEqual([contactId]);
    expect(await by('name', '李小龙')).toEqual([contactId]);
    expect(await by('name', '李')).toEqual([contactId]);
    expect(await by('email', 'nobody@example.com')).toEqual([]);
  });

  it('answers not found for a record outside the scope, hides it from list and search, and leaves it unchanged', async () => {
    const before = await install.kernel.db.kysely.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    await expect(store.get(repB.actor, noRequest, 'contacts', contactId)).rejects.toMatchObject({ status: 404 });
    await expect(store.update(repB.actor, noRequest, 'contacts', contactId, { name: 'Hacked' })).rejects.toMatchObject({ status: 404 });
    expect((await store.list(repB.actor, noRequest, 'contacts', { limit: 50 })).items).toEqual([]);
    expect((await store.list(repB.actor, noRequest, 'contacts', { limit: 50, search: { field: 'email', value: person.email } })).items).toEqual([]);
    // A sales rep of the same team sees only their own records.
    await expect(store.get(repA.actor, noRequest, 'contacts', contactId)).rejects.toMatchObject({ status: 404 });
    const after = await install.kernel.db.kysely.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it('masks phone and ID number for a service agent and refuses an administrator', async () => {
    const seen = await store.get(agent.actor, noRequest, 'contacts', contactId);
    expect(seen.phone).toBe('1******5678');
    expect(seen.idNumber).toBe('4401**********001X');
    expect(seen.email).toBe('B***@Example.com');
    await expect(store.get(sysAdmin.actor, noRequest, 'contacts', contactId)).rejects.toMatchObject({ status: 403 });
    await expect(store.list(repA.actor, noRequest, 'contacts', { limit: 5, search: { field: 'idNumber', value: person.idNumber } })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('writes an audit event for every read, naming the data subject and the fields, never a value', async () => {
    const row = await install.kernel.db.kysely.selectFrom('contacts').select('subject_id').where('id', '=', contactId).executeTakeFirstOrThrow();
    await store.get(agent.actor, noRequest, 'contacts', contactId);
    const last = await install.kernel.db.kysely.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last.action).toBe('personal_data.read');
    expect(last.actor_id).toBe(agent.id);
    expect(JSON.parse(String(last.subject_ids))).toEqual([row.subject_id]);
    expect(JSON.parse(String(last.fields))).toEqual(expect.arrayContaining(['name', 'phone', 'idNumber']));
    const all = await install.kernel.db.kysely.selectFrom('audit_events').selectAll().execute();
    const text = JSON.stringify(all).toLowerCase();
    for (const value of Object.values(person)) expect(text.includes(value.toLowerCase())).toBe(false);
  });

  it('refuses to decrypt a ciphertext moved to another row or column with an integrity error', async () => {
    const other = await store.create(managerA.actor, noRequest, 'contacts', { name: 'Other Person', email: 'other@example.com' });
    const db = install.kernel.db.kysely;
    const source = await db.selectFrom('contacts').select(['email_enc', 'phone_enc']).where('id', '=', contactId).executeTakeFirstOrThrow();
    // Same subject key cannot apply (other row); also try the phone ciphertext in the e-mail column of the same row.
    await db.updateTable('contacts').set({ email_enc: source.email_enc }).where('id', '=', String(other.id)).execute();
    await expect(store.get(managerA.actor, noRequest, 'contacts', String(other.id))).rejects.toBeInstanceOf(IntegrityError);
    await db.updateTable('contacts').set({ email_enc: source.phone_enc }).where('id', '=', contactId).execute();
    await expect(store.get(managerA.actor, noRequest, 'contacts', contactId)).rejects.toBeInstanceOf(IntegrityError);
    await db.updateTable('contacts').set({ email_enc: source.email_enc }).where('id', '=', contactId).execute();
    expect((await store.get(managerA.actor, noRequest, 'contacts', contactId)).email).toBe(person.email);
    await store.remove(managerA.actor, noRequest, 'contacts', String(other.id));
  });

  it('updates with a redacted diff, and delete crypto-shreds the data subject', async () => {
    const created = await store.create(managerA.actor, noRequest, 'contacts', { name: 'Temp Person', phone: '13700001111' });
    const id = String(created.id);
    const updated = await store.update(managerA.actor, noRequest, 'contacts', id, { phone: '13700002222', name: 'Temp Renamed' });
    expect(updated.phone).toBe('13700002222');
    const found = await store.list(managerA.actor, noRequest, 'contacts', { limit: 5, search: { field: 'name', value: 'Renamed' } });
    expect(found.items.map((c) => c.id)).toEqual([id]);
    expect(
      (await store.list(managerA.actor, noRequest, 'contacts', { limit: 5, search: { field: 'name', value: 'Person' } })).items.map((c) => c.id),
    ).not.toContain(id);
    const event = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'record.updated')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(event.detail).not.toContain('13700002222');
    const subject = await install.kernel.db.kysely.selectFrom('contacts').select('subject_id').where('id', '=', id).executeTakeFirstOrThrow();
    await store.remove(managerA.actor, noRequest, 'contacts', id);
    await expect(store.get(managerA.actor, noRequest, 'contacts', id)).rejects.toMatchObject({ status: 404 });
    const shredded = await install.kernel.db.kysely.selectFrom('data_subjects').selectAll().where('id', '=', subject.subject_id).executeTakeFirstOrThrow();
    expect(shredded.wrapped_key).toBeNull();
    expect(shredded.erased_at).not.toBeNull();
    const tokens = await install.kernel.db.kysely.selectFrom('name_tokens').selectAll().where('row_id', '=', id).execute();
    expect(tokens).toEqual([]);
  });

  it('refuses writes outside the scope and to hidden fields, writing nothing', async () => {
    const count = async () =>
      Number(
        (
          await install.kernel.db.kysely
            .selectFrom('contacts')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await expect(store.create(repA.actor, noRequest, 'contacts', { name: 'X', ownerId: managerA.id })).rejects.toBeInstanceOf(AppError);
    await expect(store.create(repA.actor, noRequest, 'contacts', { name: 'X', idNumber: '110101199003071234' })).rejects.toMatchObject({ status: 403 });
    await expect(store.create(managerA.actor, noRequest, 'contacts', { name: 'X', teamId: repB.teamId })).rejects.toMatchObject({ status: 403 });
    await expect(store.createMany(managerA.actor, noRequest, 'contacts', [{ name: 'Ok' }, { name: 'Bad', teamId: repB.teamId }])).rejects.toMatchObject({
      status: 403,
    });
    expect(await count()).toBe(before);
  });

  it('pages through a list with a cursor, in creation order, without repeats', async () => {
    await store.createMany(
      managerA.actor,
      noRequest,
      'contacts',
      Array.from({ length: 23 }, (_, i) => ({ name: `Paged ${i}`, email: `paged${i}@example.com` })),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list(managerA.actor, noRequest, 'contacts', { limit: 7, cursor });
      seen.push(...page.items.map((c) => String(c.id)));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(24);
    expect([...seen].sort()).toEqual(seen);
  });

  it('keeps accounts scoped by team and refuses to delete one that still has contacts', async () => {
    const account = await store.create(managerA.actor, noRequest, 'accounts', { name: 'CCTV Ad Agency', kind: 'agency', country: 'CN' });
    await expect(store.get(repB.actor, noRequest, 'accounts', String(account.id))).rejects.toMatchObject({ status: 404 });
    expect((await store.get(repA.actor, noRequest, 'accounts', String(account.id))).name).toBe('CCTV Ad Agency');
    await store.create(managerA.actor, noRequest, 'contacts', { name: 'Linked', accountId: String(account.id) });
    await expect(store.remove(managerA.actor, noRequest, 'accounts', String(account.id))).rejects.toMatchObject({ status: 409 });
    await expect(store.create(repB.actor, noRequest, 'contacts', { name: 'Sneaky', accountId: String(account.id) })).rejects.toMatchObject({ status: 422 });
  });
});
