/**
 * The plaintext search the end-to-end test relies on (test/helpers/plaintext-search.ts) must find a
 * value where one is — in text, in numbers, in blob / bytea bytes, whatever the case — and must fail,
 * not pass, when it cannot read a table. Otherwise a clean result would mean nothing.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { testDialects } from '../helpers/databases.js';
import { type SearchTarget, searchDatabase } from '../helpers/plaintext-search.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

describe.each(testDialects)('the plaintext search on %s', (dialect) => {
  let install: TestInstall | undefined;
  afterEach(async () => {
    await install?.cleanup();
    install = undefined;
  });

  /** As the role that can read every table (PostgreSQL: the owner). */
  const targetOf = (inst: TestInstall): SearchTarget =>
    dialect === 'sqlite'
      ? { dialect, file: inst.kernel.db.file ?? '' }
      : { dialect, url: inst.env.CASTELLAN_DATABASE_OWNER_URL ?? inst.env.CASTELLAN_DATABASE_URL ?? '' };

  it('finds nothing of what the store encrypted, and finds every planted plaintext value', async () => {
    install = await createTestInstall(dialect);
    const kernel = install.kernel;
    const manager = await addUser(kernel, ['sales_manager'], 'Search Team');
    const person = { name: '王芳 Wang', email: `Wang.Fang.${randomBytes(4).toString('hex')}@Example.cn`, phone: '13912345678', idNumber: '11010119800101001X' };
    await new ProtectedStore(kernel).create(manager.actor, noRequest, 'contacts', person);
    const secret = randomBytes(20);
    const absent = `absent-${randomBytes(6).toString('hex')}`;
    const needles = [person.email, person.phone, person.idNumber, '王芳', secret, absent];

    const clean = await searchDatabase(targetOf(install), needles);
    expect(clean.hits).toEqual([]);
    expect(clean.columns).toEqual(
      expect.arrayContaining(['contacts.email_enc', 'contacts.name_enc', 'users.email_enc', 'users.totp_secret_enc', 'audit_events.detail']),
    );

    // Plant: text (in another case), a number, the UTF-8 bytes of a name inside a blob, a raw secret and its hex.
    await kernel.db.withOwner(async (owner) => {
      const blob = dialect === 'postgres' ? sql`bytea` : sql`blob`;
      await sql`CREATE TABLE leak_probe (id integer PRIMARY KEY, note text, amount bigint, payload ${blob})`.execute(owner);
      await sql`INSERT INTO leak_probe (id, note, amount, payload) VALUES
        (1, ${`prefix ${person.email.toUpperCase()} suffix`}, ${13912345678}, ${Buffer.concat([randomBytes(7), Buffer.from('王芳', 'utf8'), randomBytes(7)])}),
        (2, ${`secret=${secret.toString('hex').toUpperCase()}`}, NULL, ${Buffer.concat([randomBytes(3), secret, randomBytes(3)])})`.execute(owner);
    });
    const planted = await searchDatabase(targetOf(install), needles);
    expect(planted.hits.sort()).toEqual(
      [
        `${JSON.stringify(person.email)} in leak_probe.note (1 rows)`,
        `${JSON.stringify(person.phone)} in leak_probe.amount (1 rows)`,
        `"王芳" in leak_probe.payload (1 rows)`,
        `<20 bytes ${secret.subarray(0, 4).toString('hex')}…> in leak_probe.payload (1 rows)`,
        `<20 bytes ${secret.subarray(0, 4).toString('hex')}…> as hex in leak_probe.note (1 rows)`,
      ].sort(),
    );
    expect(planted.hits.join('\n')).not.toContain(absent);
  });

  it('fails, rather than finding nothing, when it cannot read the database', async () => {
    install = await createTestInstall(dialect);
    if (dialect === 'sqlite') {
      await expect(searchDatabase({ dialect, file: `${install.dataDir}/no-such.db` }, ['x-needle'])).rejects.toThrow();
    } else {
      // A table the searching role may not read (created by the owner after the grants).
      await install.kernel.db.withOwner((owner) => sql`CREATE TABLE unreadable_probe (note text)`.execute(owner));
      await expect(searchDatabase({ dialect, url: install.env.CASTELLAN_DATABASE_URL ?? '' }, ['x-needle'])).rejects.toThrow(/permission denied/);
    }
    await expect(searchDatabase(targetOf(install), [''])).rejects.toThrow(/empty needle/);
  });
});
