import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';
import type { TotpSessions } from '../helpers/totp-sessions.js';

/**
 * GET /api/v1/exports/:object: CSV, JSONL or XLSX of what the caller sees (scope, masking), only
 * with `<object>.export` and a fresh second factor, each export audited.
 */
describe.each(testDialects)('object exports over HTTP on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let sessions: TotpSessions;
  const { call, addCallers } = apiCallers(() => app);
  const users: Record<string, { email: string }> = {};

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
    Object.assign(
      users,
      await addCallers(install.kernel, { manager: [['sales_manager'], 'North'], other: [['sales_manager'], 'South'], agent: [['service_agent'], 'Care'] }),
    );
    await call('manager', 'POST', '/api/v1/accounts', { name: 'North Star Media', kind: 'advertiser' });
    await call('other', 'POST', '/api/v1/accounts', { name: 'South Wind Media', kind: 'advertiser' });
    await call('manager', 'POST', '/api/v1/contacts', { name: '周杰', email: 'zhou.jie@example.cn' });
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('exports accounts in the three formats, only those in scope, audited as an export', async () => {
    const session = await sessions.fullSession(users.manager?.email ?? '', USER_PASSWORD);
    const csv = await session.call('GET', '/api/v1/exports/accounts?format=csv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="accounts.csv"');
    expect(csv.body).toContain('North Star Media');
    expect(csv.body).not.toContain('South Wind Media');
    const jsonl = await session.call('GET', '/api/v1/exports/accounts?format=jsonl');
    expect(
      jsonl.body
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).name),
    ).toEqual(['North Star Media']);
    const xlsx = await session.call('GET', '/api/v1/exports/accounts?format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as never);
    const names: string[] = [];
    book.worksheets[0]?.eachRow((row) => names.push(String((row.values as unknown[])[2] ?? '')));
    expect(names.join(' ')).toContain('North Star Media');
    const events = await (install.kernel.db.kysely as any).selectFrom('audit_events').select('action').where('resource', '=', 'accounts').execute();
    expect(events.map((e: { action: string }) => e.action)).toContain('record.exported');
  });

  it('exports contacts masked as the caller sees them', async () => {
    const session = await sessions.fullSession(users.manager?.email ?? '', USER_PASSWORD);
    const csv = await session.call('GET', '/api/v1/exports/contacts?format=csv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body).toContain('周杰');
  });

  it('needs a step-up, the export permission, and an exportable object', async () => {
    const token = await call('manager', 'GET', '/api/v1/exports/accounts?format=csv');
    expect(token.statusCode).toBe(403);
    expect(token.json().error.code).toBe('step_up_required');
    const agent = await sessions.fullSession(users.agent?.email ?? '', USER_PASSWORD);
    const refused = await agent.call('GET', '/api/v1/exports/accounts?format=csv');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    const session = await sessions.fullSession(users.manager?.email ?? '', USER_PASSWORD);
    expect((await session.call('GET', '/api/v1/exports/deals?format=csv')).statusCode).toBe(400);
  });
});
