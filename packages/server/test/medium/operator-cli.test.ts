import { userInfo } from 'node:os';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tokenCommands } from '../../src/cli/token.command.js';
import { userCommands } from '../../src/cli/user.command.js';
import { redeemEnrolment } from '../../src/platform/identity/enrolment-links.js';
import { testDialects } from '../helpers/databases.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * The operator's CLI holds the master key and may grant any role, but under the same separation of
 * duties as the API, audited as the OS user; an account that reads personal data added without a
 * password file gets a one-time enrolment link printed for the person.
 */
describe.each(testDialects)('castellan user add / invite / token create on %s', (dialect) => {
  let install: TestInstall;
  const db = () => install.kernel.db.kysely;
  const operator = `cli user add (os user ${userInfo().username})`;

  /** Runs one verb in this process, with the install's environment, returning what it printed. */
  async function castellan(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    const program = new Command().exitOverride();
    userCommands(program);
    tokenCommands(program);
    const saved = { ...process.env };
    Object.assign(process.env, install.env);
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    try {
      await program.parseAsync(args, { from: 'user' });
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.env = saved;
    }
    return { stdout, stderr };
  }

  beforeAll(async () => {
    install = await createTestInstall(dialect, { CASTELLAN_PUBLIC_URL: 'https://crm.example.com' });
  });
  afterAll(async () => {
    await install?.cleanup();
  });

  it('refuses roles that combine duties or a duty and personal data, creating nothing', async () => {
    for (const roles of ['system_admin,privacy_officer', 'security_admin,audit_admin', 'audit_admin,sales_rep']) {
      await expect(castellan('user', 'add', '--email', `x.${roles.length}@example.com`, '--name', 'X', '--role', roles)).rejects.toThrow(/三员分立/);
    }
    const count = await db()
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('adds a privacy officer without a password file by printing a one-time link, audited as the operator', async () => {
    const { stdout, stderr } = await castellan('user', 'add', '--email', 'dpo@example.com', '--name', 'Dee Po', '--role', 'privacy_officer');
    const [added, link] = stdout.trim().split('\n');
    const id = /^Added user ([0-9a-f-]{36}) \(privacy_officer\)$/.exec(added ?? '')?.[1] ?? '';
    expect(id).not.toBe('');
    expect(link).toMatch(/^https:\/\/crm\.example\.com\/enrol#token=[A-Za-z0-9_-]{43}$/);
    expect(stderr).toContain('give it to the person only');
    const events = await db().selectFrom('audit_events').select(['action', 'actor_kind', 'detail']).where('resource_id', '=', id).orderBy('seq').execute();
    expect(events.map((e) => e.action)).toEqual(['user.created', 'auth.enrolment.issued']);
    for (const e of events) {
      expect(e.actor_kind).toBe('system');
      expect(JSON.parse(String(e.detail)).systemReason).toBe(operator);
    }
    await redeemEnrolment(install.kernel, (link ?? '').split('#token=')[1] ?? '', 'tangerine compass 7781', { requestId: null, ip: null, userAgent: null });
    const row = await db().selectFrom('users').select(['password_hash', 'must_change_password']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('makes an account that reads personal data a token only as a named integration token', async () => {
    await expect(castellan('token', 'create', '--user', 'dpo@example.com')).rejects.toThrow(/integration/);
    const { stdout, stderr } = await castellan('token', 'create', '--user', 'dpo@example.com', '--integration', 'dsar-portal', '--expires-days', '30');
    expect(stdout.trim()).toMatch(/^cst_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(stderr).toContain('Integration token');
    const row = await db().selectFrom('api_tokens').select(['kind', 'name']).executeTakeFirstOrThrow();
    expect(row).toEqual({ kind: 'integration', name: 'dsar-portal' });
  });
});
