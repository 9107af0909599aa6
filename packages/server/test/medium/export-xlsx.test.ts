import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainStore } from '../../src/modules/domain-store.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { exportXlsx } from '../../src/platform/data/export-xlsx.js';
import type { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser } from '../helpers/test-install.js';

/** The XLSX export streams the same records as CSV / JSONL: the user's scope and masking, audited per page. */
describe.each(testDialects)('XLSX export on %s', (dialect) => {
  let install: TestInstall;
  let store: ProtectedStore;
  let manager: TestUser;

  async function workbookOf(user: TestUser, object: 'contacts' | 'accounts'): Promise<string[][]> {
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (c: Buffer) => parts.push(c));
    await exportXlsx(store, user.actor, noRequest, object, out);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(parts) as never);
    const rows: string[][] = [];
    book.worksheets[0]?.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    return rows;
  }

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    store = domainStore(install.kernel);
    manager = await addUser(install.kernel, ['sales_manager'], 'North');
    const elsewhere = await addUser(install.kernel, ['sales_manager'], 'South');
    for (let i = 0; i < 250; i++)
      await store.create(manager.actor, noRequest, 'contacts', { name: `Person ${i}`, idNumber: '110101199003071234', email: `p${i}@example.com` });
    await store.create(elsewhere.actor, noRequest, 'contacts', { name: 'Out Of Scope' });
    await store.create(manager.actor, noRequest, 'accounts', { name: '=HYPERLINK("x")', kind: 'advertiser' });
  });
  afterAll(async () => install?.cleanup());

  it('exports every record in scope over several pages, masked as the user sees them, audited', async () => {
    const rows = await workbookOf(manager, 'contacts');
    const header = rows[0] ?? [];
    expect(header).toContain('email');
    expect(rows).toHaveLength(251);
    const id = header.indexOf('idNumber');
    expect(rows[1]?.[id]).toBe('1101**********1234');
    expect(rows.some((r) => r.includes('Out Of Scope'))).toBe(false);
    const events = await install.kernel.db.kysely.selectFrom('audit_events').select('action').where('action', '=', 'personal_data.export').execute();
    expect(events.length).toBe(2); // two pages of 200
  });

  it('writes a value that looks like a formula as text', async () => {
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (c: Buffer) => parts.push(c));
    await exportXlsx(store, manager.actor, noRequest, 'accounts', out);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(parts) as never);
    const cell = book.worksheets[0]?.getRow(2).getCell(2);
    expect(cell?.formula).toBeUndefined();
    expect(cell?.value).toBe('=HYPERLINK("x")');
  });

  it('refuses a user without the export permission', async () => {
    const rep = await addUser(install.kernel, ['sales_rep'], 'North');
    await expect(workbookOf(rep, 'contacts')).rejects.toThrow(/contacts.export/);
  });
});
