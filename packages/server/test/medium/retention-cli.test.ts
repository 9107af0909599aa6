import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { retentionCommands } from '../../src/cli/retention.command.js';
import { signReport } from '../../src/modules/compliance/report-signature.js';
import { domainStore } from '../../src/modules/domain-store.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { publicKeyId } from '../../src/platform/audit/checkpoints.js';
import { userActor } from '../../src/platform/authz/actor.js';
import { createRetentionRule } from '../../src/platform/retention/retention-rules.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * `castellan retention run [--dry-run] [--certificate FILE]` and `castellan retention verify FILE
 * [--public-key PEM]`: a dry run counts and removes nothing; a run writes its signed certificate,
 * which verifies with the installation's key and offline with the public key, and is INVALID (exit 3)
 * once a count is changed or when it is another kind of signed document.
 */
describe.each(testDialects)('castellan retention on %s', (dialect) => {
  let install: TestInstall;
  let dir: string;
  const db = () => install.kernel.db.kysely as unknown as import('kysely').Kysely<any>;

  async function castellan(...args: string[]): Promise<string> {
    const program = new Command().exitOverride();
    retentionCommands(program);
    const saved = { ...process.env };
    Object.assign(process.env, install.env);
    let stdout = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    try {
      await program.parseAsync(args, { from: 'user' });
    } finally {
      out.mockRestore();
      process.env = saved;
    }
    return stdout;
  }

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    dir = mkdtempSync(path.join(tmpdir(), 'castellan-retention-cli-'));
    const manager = await addUser(install.kernel, ['sales_manager'], 'Desk');
    const officer = await addUser(install.kernel, ['privacy_officer']);
    const ids = await domainStore(install.kernel).createMany(
      userActor(manager, ['sales_manager']),
      noRequest,
      'contacts',
      Array.from({ length: 12 }, (_, i) => ({ name: `Cli Person ${i}`, email: `cli.${i}@retention.example.com` })),
    );
    await db().updateTable('contacts').set({ updated_at: '2019-03-01T00:00:00.000Z' }).where('id', 'in', ids.slice(0, 10)).execute();
    const stepped = userActor(officer, ['privacy_officer'], { id: 'test-session', kind: 'full', mfaAt: new Date().toISOString() });
    await createRetentionRule(install.kernel, stepped, noRequest, {
      object: 'contacts',
      purpose: 'sales',
      action: 'delete',
      trigger: 'inactivity',
      days: 400,
      enabled: true,
    });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await install?.cleanup();
  });

  it('previews, purges, writes a certificate that verifies, and refuses an altered one', async () => {
    const preview = JSON.parse(await castellan('retention', 'run', '--dry-run', '--json'));
    expect(preview).toMatchObject({ dryRun: true, certificate: false, rules: [{ object: 'contacts', due: 10, removed: 10 }] });
    expect(
      Number(
        (
          await db()
            .selectFrom('contacts')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(12);

    const file = path.join(dir, 'certificate.json');
    const printed = await castellan('retention', 'run', '--certificate', file);
    expect(printed).toMatch(/contacts \/ sales: delete after 400 days \(inactivity\) — due 10, removed 10, held 0/);
    expect(
      Number(
        (
          await db()
            .selectFrom('contacts')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(2);

    process.exitCode = undefined;
    expect(await castellan('retention', 'verify', file)).toMatch(/^VALID \(run [0-9a-f-]+\): the signature verifies/);
    expect(process.exitCode).toBeUndefined();
    const pem = path.join(dir, 'audit-public-key.pem');
    writeFileSync(pem, install.kernel.keyring.auditPublicKey.export({ type: 'spki', format: 'pem' }) as string);
    expect(await castellan('retention', 'verify', file, '--public-key', pem)).toMatch(/^VALID/);

    const altered = path.join(dir, 'altered.json');
    writeFileSync(altered, readFileSync(file, 'utf8').replace('"removed": 10', '"removed": 9'));
    expect(await castellan('retention', 'verify', altered)).toMatch(/^INVALID/);
    expect(process.exitCode).toBe(3);
    process.exitCode = undefined;

    // A compliance report signed by the same key is not a retention certificate.
    const key = install.kernel.keyring;
    const report = path.join(dir, 'report.json');
    writeFileSync(report, signReport('json', { kind: 'compliance', checks: [] }, key.auditSigningKey, publicKeyId(key.auditPublicKey)));
    expect(await castellan('retention', 'verify', report)).toMatch(/^INVALID: signed, but not a retention certificate/);
    expect(process.exitCode).toBe(3);
    process.exitCode = undefined;
  });
});
