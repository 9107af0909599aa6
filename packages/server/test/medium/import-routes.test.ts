import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readSpool, removeSpool, spoolPath, writeSpool } from '../../src/platform/data/import-spool.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { addUser, type TestInstall, tokenFor } from '../helpers/test-install.js';

/** The temp-file module exceljs' streaming reader would copy a worksheet to (in plaintext). */
const excelRequire = createRequire(createRequire(import.meta.url).resolve('exceljs'));
const excelTmp = excelRequire('tmp') as { file: (...args: unknown[]) => unknown };

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function workbook(rows: (string | number | Date | null)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Contacts');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * Imports over HTTP: the file is the raw body, the answer 202 with a job, the progress and the
 * report by the job's id (only for the user who started it); XLSX like CSV; the upload is spooled
 * encrypted and removed at the end.
 */
describe.each(testDialects)('imports over HTTP on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });

  async function upload(who: string, query: string, body: Buffer | string, type: string) {
    return app.inject({ method: 'POST', url: `/api/v1/imports?${query}`, headers: { ...auth(who), 'content-type': type }, payload: body });
  }

  async function finished(who: string, id: string) {
    for (let i = 0; i < 200; i++) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: auth(who) });
      expect(res.statusCode, res.body).toBe(200);
      if (['done', 'rejected', 'failed'].includes(res.json().state)) return res.json();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the import did not finish');
  }

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    tokens.manager = await tokenFor(install.kernel, await addUser(install.kernel, ['sales_manager'], 'North'));
    tokens.other = await tokenFor(install.kernel, await addUser(install.kernel, ['sales_manager'], 'South'));
    tokens.marketing = await tokenFor(install.kernel, await addUser(install.kernel, ['marketing'], 'North'));
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('imports an XLSX workbook (text, number and date cells, a mapping, an ignored column) and reports its bad rows, writing no temporary file', async () => {
    const tmpFiles = vi.spyOn(excelTmp, 'file');
    const file = await workbook([
      ['Full name', 'Mail', 'birthDate', 'wechatId', 'Notes'],
      ['王芳', 'wang.fang@example.cn', new Date(Date.UTC(1990, 4, 17)), 12345678, 'ignored'],
      ['Lucas Martin', 'lucas.martin@example.fr', '1985-11-02', null, null],
      ['Bad Mail', 'no-at-sign', null, null, null],
    ]);
    const res = await upload('manager', 'object=contacts&map=Full%20name%3Dname&map=Mail%3Demail&skipInvalid=true', file, xlsxType);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ object: 'contacts', format: 'xlsx', state: 'importing', skipInvalid: true });
    const job = await finished('manager', res.json().id);
    expect(job).toMatchObject({ state: 'done', rowsRead: 3, rowsImported: 2, rowsInvalid: 1 });
    expect(job.problems).toEqual([{ line: 4, kind: 'invalid', column: 'Mail', reason: 'not an e-mail address' }]);
    expect(JSON.stringify(job)).not.toContain('no-at-sign');
    const listed = await app.inject({ method: 'GET', url: '/api/v1/contacts?limit=50', headers: auth('manager') });
    const wang = listed.json().items.find((c: { name: string }) => c.name === '王芳');
    expect(wang).toMatchObject({ email: 'wang.fang@example.cn', birthDate: '1990-05-17', wechatId: '12345678' });
    expect(tmpFiles).not.toHaveBeenCalled();
    tmpFiles.mockRestore();
  });

  it('by default imports nothing when a row is bad, and says which', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/v1/contacts?limit=200', headers: auth('manager') })).json().items.length;
    const csv = 'name,email\nOne,one@example.com\nTwo,two-at-example.com\nThree,three@example.com\n';
    const res = await upload('manager', 'object=contacts', csv, 'text/csv');
    expect(res.statusCode, res.body).toBe(202);
    const job = await finished('manager', res.json().id);
    expect(job).toMatchObject({ state: 'rejected', rowsRead: 3, rowsInvalid: 1, rowsImported: 0 });
    expect(job.problems).toEqual([{ line: 3, kind: 'invalid', column: 'email', reason: 'not an e-mail address' }]);
    const after = (await app.inject({ method: 'GET', url: '/api/v1/contacts?limit=200', headers: auth('manager') })).json().items.length;
    expect(after).toBe(before);
  });

  it('a row the store refuses (an account nobody can see) rejects an all-or-nothing file, and only itself with skipInvalid', async () => {
    const account = await app.inject({ method: 'POST', url: '/api/v1/accounts', headers: auth('manager'), payload: { name: 'Visible Media', kind: 'agency' } });
    const csv = `name,email,accountId\nR1,r1@example.com,${account.json().id}\nR2,r2@example.com,01a231dd-0000-7000-8000-000000000000\nR3,r3@example.com,\n`;
    const strict = await finished('manager', (await upload('manager', 'object=contacts', csv, 'text/csv')).json().id);
    expect(strict).toMatchObject({ state: 'rejected', rowsImported: 0 });
    expect(strict.problems).toEqual([{ line: 3, kind: 'refused', column: null, reason: 'accountId does not name a account you can see' }]);
    const lenient = await finished('manager', (await upload('manager', 'object=contacts&skipInvalid=true', csv, 'text/csv')).json().id);
    expect(lenient).toMatchObject({ state: 'done', rowsImported: 2, rowsInvalid: 1 });
    expect(lenient.problems).toEqual(strict.problems);
  });

  it('imports accounts the same way (the import is generic over the catalogue)', async () => {
    const csv = 'name,kind,country\nCCTV Advertising,advertiser,CN\nBad Kind,broadcaster,CN\n';
    const res = await upload('manager', 'object=accounts&skipInvalid=true', csv, 'text/csv');
    const job = await finished('manager', res.json().id);
    expect(job).toMatchObject({ state: 'done', rowsImported: 1, rowsInvalid: 1 });
    expect(job.problems[0]).toMatchObject({ line: 3, kind: 'invalid', column: 'kind' });
  });

  it('shows a job only to the user who started it; refuses an object, a mapping or a permission it cannot take', async () => {
    const res = await upload('manager', 'object=contacts', 'name\nSomeone\n', 'text/csv');
    const id = res.json().id;
    await finished('manager', id);
    expect((await app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: auth('other') })).statusCode).toBe(404);
    expect((await upload('manager', 'object=users', 'name\nX\n', 'text/csv')).statusCode).toBe(400);
    const badMap = await upload('manager', 'object=contacts&map=nick%3Dnickname', 'nick\nX\n', 'text/csv');
    expect(badMap.statusCode).toBe(422);
    expect(badMap.json().error.message).toMatch(/nickname/);
    expect((await upload('marketing', 'object=contacts', 'name\nX\n', 'text/csv')).statusCode).toBe(403);
    expect((await upload('manager', 'object=contacts', 'name\nX\n', 'application/octet-stream')).statusCode).toBe(422);
    expect(readdirSync(path.join(install.dataDir, 'imports'))).toEqual([]);
  });

  it('describes the upload in the OpenAPI document: the raw file as the request body, and the job', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const post = doc.paths['/api/v1/imports'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(['text/csv', xlsxType, 'application/octet-stream']);
    expect(Object.keys(post.responses['202'].content['application/json'].schema.properties)).toContain('rowsImported');
    expect(doc.paths['/api/v1/imports/{id}'].get.responses['200'].content['application/json'].schema.properties.problems).toBeDefined();
  });

  it('spools an upload encrypted: no plaintext on disk, frames bound to the job', async () => {
    const secret = 'spooled.secret.person@example.org';
    const text = `name,email\nSpooled,${secret}\n${'filler,row@example.org\n'.repeat(10_000)}`;
    const spooled = await writeSpool(install.kernel, 'job-spool-test', Readable.from([Buffer.from(text)]));
    const onDisk = readFileSync(spoolPath(install.kernel, 'job-spool-test'));
    expect(onDisk.includes(Buffer.from(secret))).toBe(false);
    expect(onDisk.includes(Buffer.from('filler'))).toBe(false);
    const back: Buffer[] = [];
    for await (const chunk of readSpool(install.kernel, 'job-spool-test', spooled)) back.push(chunk as Buffer);
    expect(Buffer.concat(back).toString()).toBe(text);
    // The same frames under another job's name do not open.
    copyFileSync(spoolPath(install.kernel, 'job-spool-test'), spoolPath(install.kernel, 'another-job'));
    await expect(
      (async () => {
        for await (const _ of readSpool(install.kernel, 'another-job', spooled)) void _;
      })(),
    ).rejects.toThrow();
    await removeSpool(install.kernel, 'job-spool-test');
    await removeSpool(install.kernel, 'another-job');
  });
});
