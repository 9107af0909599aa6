/**
 * kill -9 during `castellan import` (issue 8, "bad input and faults"): all or nothing leaves nothing
 * of the file; --skip-invalid leaves whole chunks; `--resume <job>` then finishes the import with the
 * exact total and nobody twice. The real, built CLI on a real data directory.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../helpers/databases.js';
import { writeContactsCsv } from '../helpers/import-files.js';
import { CLI_MAIN, childEnv, type E2eInstall, initInstall } from '../helpers/server-process.js';

const ROWS = 12_000;
const CHUNK = 1000;

describe(`import killed mid-way (${e2eDialect})`, () => {
  let install: E2eInstall;
  let file: string;
  const manager = 'importer@example.com';

  /** Every contact the manager sees, by e-mail (through `castellan export`). */
  async function exportedEmails(): Promise<string[]> {
    const result = await install.cliOk(['export', 'contacts', '--as', manager, '--format', 'jsonl'], {}, { timeoutMs: 180_000 });
    return result.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l).email as string);
  }

  /** Starts an import and kills it (SIGKILL) once its progress shows `imported` at or past `after`; returns the job id. */
  async function importAndKill(args: string[], after: number): Promise<string> {
    const child = spawn(process.execPath, [CLI_MAIN, 'import', 'contacts', file, '--as', manager, ...args], {
      env: childEnv(install.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const jobId = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const id = /job ([0-9a-f-]{36})/.exec(stderr)?.[1];
        const imported = [...stderr.matchAll(/importing.*?· ([\d,]+) imported/g)].map((m) => Number(m[1]?.replace(/,/g, '')));
        if (id && imported.length && (imported[imported.length - 1] ?? 0) >= after) resolve(id);
      });
      child.on('exit', () => reject(new Error(`the import ended before it could be killed:\n${stderr}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    return jobId;
  }

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect });
    await install.addUser(manager, 'Im Porter', ['sales_manager'], 'Import Team');
    file = path.join(install.root, 'contacts.csv');
    await writeContactsCsv(file, ROWS);
  }, 180_000);
  afterAll(async () => install?.cleanup());

  it('all or nothing: a kill leaves no contact; the resumed import creates every one once', async () => {
    const jobId = await importAndKill(['--map', 'E-mail=email'], 1000);
    expect(await exportedEmails()).toHaveLength(0);
    const resumed = await install.cliOk(['import', 'contacts', file, '--as', manager, '--resume', jobId], {}, { timeoutMs: 300_000 });
    expect(resumed.stdout).toContain(`import ${jobId}: done`);
    const emails = await exportedEmails();
    expect(emails).toHaveLength(ROWS);
    expect(new Set(emails).size).toBe(ROWS);
  }, 600_000);

  it('--skip-invalid: a kill leaves whole chunks; --resume continues after the last one, duplicating nobody', async () => {
    // A second file of other people (the first file's people are all in by now).
    file = path.join(install.root, 'more-contacts.csv');
    const { contactRow } = await import('../helpers/import-files.js');
    const { writeFileSync } = await import('node:fs');
    const rows = Array.from({ length: ROWS }, (_, i) => contactRow(ROWS + i));
    writeFileSync(file, `name,email,phone\n${rows.map((r) => `${r.name},${r.email},${r.phone}`).join('\n')}\n`);
    const jobId = await importAndKill(['--skip-invalid', '--chunk-size', String(CHUNK)], 2 * CHUNK);
    const mid = (await exportedEmails()).length - ROWS;
    expect(mid).toBeGreaterThan(0);
    expect(mid % CHUNK).toBe(0);
    expect(mid).toBeLessThan(ROWS);
    const resumed = await install.cliOk(['import', 'contacts', file, '--as', manager, '--resume', jobId], {}, { timeoutMs: 300_000 });
    expect(resumed.stdout).toContain(`import ${jobId}: done`);
    expect(resumed.stdout).toMatch(new RegExp(`${ROWS} rows read, ${ROWS} valid, 0 invalid, 0 duplicate, ${ROWS} imported`));
    const emails = await exportedEmails();
    expect(emails).toHaveLength(2 * ROWS);
    expect(new Set(emails).size).toBe(2 * ROWS);
    // And the same file again creates nobody.
    const again = await install.cli(['import', 'contacts', file, '--as', manager, '--skip-invalid'], {}, { timeoutMs: 300_000 });
    expect(again.stdout).toMatch(/0 imported/);
    expect(await exportedEmails()).toHaveLength(2 * ROWS);
  }, 600_000);
});
