/**
 * `castellan audit verify` as an operator runs it: exit 0 when intact; after a database
 * administrator deletes the newest events, non-zero with a message naming the missing event.
 */

import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../helpers/databases.js';
import { type E2eInstall, initInstall } from '../helpers/server-process.js';

describe(`castellan audit verify (${e2eDialect})`, () => {
  let install: E2eInstall;
  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser('auditor.subject@example.com', 'Audited Person', ['sales_rep'], 'Audit');
    await install.addUser('second.subject@example.com', 'Second Person', ['sales_rep'], 'Audit');
  }, 120_000);
  afterAll(async () => install?.cleanup());

  async function asDba(statements: string[]): Promise<void> {
    if (e2eDialect === 'sqlite') {
      const db = new SQLite(`${install.dataDir}/castellan.db`);
      for (const s of statements) db.exec(s);
      db.close();
      return;
    }
    // The owner role: the application role of CASTELLAN_DATABASE_URL could not do any of this.
    const client = new pg.Client({ connectionString: install.env.CASTELLAN_DATABASE_OWNER_URL });
    await client.connect();
    for (const s of statements) await client.query(s);
    await client.end();
  }

  it('exits 0 on an intact trail and non-zero naming the removed events', async () => {
    const ok = await install.cli(['audit', 'verify']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/intact: \d+ events, \d+ signed checkpoints/);

    const drop =
      e2eDialect === 'sqlite'
        ? ['DROP TRIGGER audit_events_no_delete', 'DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)']
        : [
            'GRANT DELETE ON audit_events TO CURRENT_USER',
            'ALTER TABLE audit_events DISABLE TRIGGER USER',
            'DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)',
          ];
    await asDba(drop);
    const bad = await install.cli(['audit', 'verify', '--json']);
    expect(bad.code).not.toBe(0);
    const result = JSON.parse(bad.stdout);
    expect(result.intact).toBe(false);
    expect(result.problem.kind).toBe('truncated');
    expect(result.problem.message).toMatch(/event \d+/);
  });
});
