import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainStore } from '../../src/modules/domain-store.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { fingerprintFile } from '../../src/platform/data/import-fingerprint.js';
import { listProblems } from '../../src/platform/data/import-jobs.js';
import { Importer, type ImportOptions } from '../../src/platform/data/import-run.js';
import { testDialects } from '../helpers/databases.js';
import { writeContactsCsv } from '../helpers/import-files.js';
import { addUser, createTestInstall, type TestInstall, type TestUser } from '../helpers/test-install.js';

// 12 000 rows make three committed chunks of 5 000 in `npm test`; issue 8's 100k (and the SPEC's 1M) run in
// `npm run bench` (BENCH csv_import) or here with CASTELLAN_TEST_IMPORT_ROWS=100000.
const ROWS = Number(process.env.CASTELLAN_TEST_IMPORT_ROWS ?? 12_000);

/**
 * Import of contacts with 1% bad rows (issue 8, "done when", at 100k with CASTELLAN_TEST_IMPORT_ROWS): all or nothing reports exactly the
 * bad lines and writes nothing; --skip-invalid imports the rest; a re-import creates nobody (every
 * row is a duplicate of an existing contact, found by its encrypted e-mail); duplicates within the
 * file name the earlier line; no reason repeats a bad value.
 */
describe.each(testDialects)('import of contacts from CSV on %s', (dialect) => {
  let install: TestInstall;
  let manager: TestUser;
  let importer: Importer;
  let file: string;
  let bad: { badLines: number[]; badValues: string[] };
  const db = () => install.kernel.db.kysely;
  const contacts = async () =>
    Number(
      (
        await db()
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function importFile(csv: string, options: Partial<ImportOptions> = {}) {
    const size = readFileSync(csv).length;
    const open = () => createReadStream(csv);
    const job = await importer.createJob(
      manager.actor,
      { object: 'contacts', format: 'csv', mapping: { 'E-mail': 'email' }, skipInvalid: false, ...options },
      { source: 'file', size, fingerprint: await fingerprintFile(install.kernel, csv) },
      open,
    );
    return importer.run(manager.actor, noRequest, job.id, open);
  }

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    manager = await addUser(install.kernel, ['sales_manager'], 'North');
    importer = new Importer(install.kernel, domainStore(install.kernel));
    file = path.join(install.dataDir, 'contacts.csv');
    bad = await writeContactsCsv(file, ROWS, 100);
  }, 300_000);
  afterAll(async () => install?.cleanup());

  it('reports exactly the bad rows and, by default, imports nothing', async () => {
    const started = Date.now();
    const job = await importFile(file);
    console.log(`${dialect}: validated ${ROWS} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(job.state).toBe('rejected');
    expect(job.rowsRead).toBe(ROWS);
    expect(job.rowsInvalid).toBe(bad.badLines.length);
    expect(job.rowsImported).toBe(0);
    const problems = await listProblems(db(), job.id, 0, ROWS);
    expect(problems.map((p) => p.line)).toEqual(bad.badLines);
    expect(problems[0]).toEqual({ line: bad.badLines[0], kind: 'invalid', column: 'E-mail', reason: 'not an e-mail address' });
    expect(problems[1]).toEqual({ line: bad.badLines[1], kind: 'invalid', column: 'Phone', reason: 'not a phone number' });
    expect(problems[2]).toMatchObject({ line: bad.badLines[2], kind: 'invalid', column: 'Name' });
    const reasons = problems.map((p) => p.reason).join('\n');
    for (const value of bad.badValues.slice(0, 50)) expect(reasons).not.toContain(value);
    expect(await contacts()).toBe(0);
  }, 300_000);

  it('with skipInvalid imports every good row, in committed chunks', async () => {
    const started = Date.now();
    const job = await importFile(file, { skipInvalid: true });
    console.log(`${dialect}: imported ${job.rowsImported} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(job.state).toBe('done');
    expect(job.rowsImported).toBe(ROWS - bad.badLines.length);
    expect(job.lastCommittedLine).toBe(ROWS + 1);
    expect(await contacts()).toBe(ROWS - bad.badLines.length);
    const problems = await listProblems(db(), job.id, 0, ROWS);
    expect(problems.map((p) => p.line)).toEqual(bad.badLines);
  }, 300_000);

  it('a re-import of the same file creates nobody: every good row is a duplicate of an existing contact', async () => {
    const job = await importFile(file, { skipInvalid: true });
    expect(job.state).toBe('done');
    expect(job.rowsImported).toBe(0);
    expect(job.rowsDuplicate).toBe(ROWS - bad.badLines.length);
    expect(await contacts()).toBe(ROWS - bad.badLines.length);
    const problems = await listProblems(db(), job.id, 0, 5);
    expect(problems[0]).toEqual({ line: 2, kind: 'duplicate', column: 'E-mail', reason: 'duplicate of an existing contact (email)' });
  }, 300_000);

  it('finds an existing contact by its encrypted e-mail (normalised), and a duplicate within the file by its line', async () => {
    const store = domainStore(install.kernel);
    await store.create(manager.actor, noRequest, 'contacts', { name: 'Existing', email: 'Existing.One@Example.COM' });
    const small = path.join(install.dataDir, 'small.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      small,
      [
        'name,email,phone',
        'A,existing.one@example.com ,',
        'B,new.b@example.com,+86 138 0000 0001',
        'C,new.c@example.com,',
        'D,NEW.B@example.com,',
        'E,,+8613800000001',
        'F,new.f@example.com,',
      ].join('\n'),
    );
    const before = await contacts();
    const job = await importFile(small, { mapping: {} });
    expect(job.state).toBe('done');
    const problems = await listProblems(db(), job.id, 0, 100);
    expect(problems).toEqual([
      { line: 2, kind: 'duplicate', column: 'email', reason: 'duplicate of an existing contact (email)' },
      { line: 5, kind: 'duplicate', column: 'email', reason: 'duplicate of line 3 (email)' },
      { line: 6, kind: 'duplicate', column: 'phone', reason: 'duplicate of line 3 (phone)' },
    ]);
    expect(job.rowsImported).toBe(3);
    expect(await contacts()).toBe(before + 3);
    const found = await store.list(manager.actor, noRequest, 'contacts', { limit: 5, search: { field: 'email', value: 'new.f@example.com' } });
    expect(found.items.map((c) => c.name)).toEqual(['F']);
  });

  it('refuses a mapping to an unknown field or a field twice before reading any row, and another user sees no job', async () => {
    const small = path.join(install.dataDir, 'small.csv');
    await expect(importFile(small, { mapping: { email: 'nickname' } })).rejects.toThrow(/nickname/);
    await expect(importFile(small, { mapping: { phone: 'email' } })).rejects.toThrow(/both fill email/);
    const job = await importFile(small, { mapping: {} });
    const other = await addUser(install.kernel, ['sales_manager'], 'South');
    await expect(importer.job(other.actor, job.id)).rejects.toThrow(/not found/i);
    const rep = await addUser(install.kernel, ['marketing'], 'North');

    await expect(
      importer.createJob(rep.actor, { object: 'contacts', format: 'csv', mapping: {}, skipInvalid: false }, { source: 'file', size: 1, fingerprint: 'x' }, () =>
        createReadStream(small),
      ),
    ).rejects.toThrow(/contacts.create/);
  });

  it('keeps no file of the import in the data directory', () => {
    const dir = path.join(install.dataDir, 'imports');
    const left = (() => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    })();
    expect(left).toEqual([]);
  });
});
