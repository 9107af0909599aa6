/**
 * Every documented `castellan` verb, run as an operator runs it — the real, built CLI as a child
 * process — each checked for its real effect and its exit code (README "CLI reference"). Runs on
 * SQLite, or on PostgreSQL with CASTELLAN_TEST_DB=postgres (and CASTELLAN_TEST_PG_URL). Needs
 * `npm run build` (npm test does it).
 *
 * Data that only people with personal-data roles can create (contacts, accounts, their owners) is
 * seeded through the protected store in this process, on the same installation: `user add` and
 * `token create` are exercised with roles that read no personal data (system_admin, audit_admin).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { openKernel } from '../../src/platform/kernel.js';
import { createScratchPostgres, e2eDialect } from '../helpers/databases.js';
import { createRsyslogReceiver, writeTestPki } from '../helpers/rsyslog.js';
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, E2E_USER_PASSWORD, type E2eInstall, httpsJson, initInstall, startServer } from '../helpers/server-process.js';
import { addUser, type TestUser } from '../helpers/test-install.js';

const dialect = e2eDialect;
const STACK_TRACE = /\n\s+at |node_modules|\.[cm]?[jt]s:\d+/;
/** How the audit trail names the OS account running these tests (cli-context.ts osUserName). */
const OS_ACTOR = `os:${userInfo()
  .username.replace(/[^A-Za-z0-9._-]/g, '_')
  .slice(0, 64)}`;
const SHIFTED_CLOCK = pathToFileURL(fileURLToPath(new URL('../helpers/shifted-clock.mjs', import.meta.url))).href;

interface ExportedEvent {
  seq: number;
  action: string;
  actor_kind: string;
  actor_id: string | null;
  detail: Record<string, unknown> | null;
  chain: { prev: string; hash: string };
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

/** Every file under `dir` with its mode and SHA-256: an init that "changes nothing" leaves this equal. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      const mode = (statSync(full).mode & 0o777).toString(8);
      if (entry.isDirectory()) {
        out.push(`${path.relative(dir, full)}/ ${mode}`);
        walk(full);
      } else out.push(`${path.relative(dir, full)} ${mode} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(dir);
  return out;
}

describe(`every castellan verb (${dialect})`, () => {
  let install: E2eInstall;
  let manager: TestUser;
  let rep: TestUser;
  const opsEmail = 'ops.second@castellan-e2e.test';
  const auditorEmail = 'auditor@castellan-e2e.test';
  let auditorToken: string;

  const ok = async (args: string[], extra: Record<string, string | undefined> = {}) => {
    const result = await install.cli(args, extra, { timeoutMs: 120_000 });
    const context = `castellan ${args.join(' ')} → ${result.code ?? result.signal}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    expect(result.code, context).toBe(0);
    return result;
  };
  const refused = async (args: string[], message: RegExp, extra: Record<string, string | undefined> = {}) => {
    const result = await install.cli(args, extra);
    const context = `castellan ${args.join(' ')}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    expect(result.timedOut, context).toBe(false);
    expect(result.code, context).toBe(1);
    expect(result.stderr, context).toMatch(/^castellan: /);
    expect(result.stderr, context).toMatch(message);
    expect(result.stderr, context).not.toMatch(STACK_TRACE);
    return result;
  };
  const auditEvents = async (): Promise<ExportedEvent[]> => lines((await ok(['audit', 'export'])).stdout).map((line) => JSON.parse(line));

  beforeAll(async () => {
    install = await initInstall({ dialect });
    // Owners of personal data, their contacts and accounts: through the protected store, on this installation.
    const kernel = await openKernel(loadConfig({}, install.env));
    try {
      manager = await addUser(kernel, ['sales_manager'], 'North', 'manager.north@castellan-e2e.test');
      rep = await addUser(kernel, ['sales_rep'], 'North', 'rep.north@castellan-e2e.test');
      const south = await addUser(kernel, ['sales_manager'], 'South', 'manager.south@castellan-e2e.test');
      const store = new ProtectedStore(kernel);
      await store.create(manager.actor, noRequest, 'contacts', {
        name: '王芳',
        email: 'wang.fang@example.cn',
        phone: '13800138000',
        idNumber: '110101199003071234',
      });
      await store.create(manager.actor, noRequest, 'contacts', { name: 'Li Lei', email: 'li.lei@example.com' });
      await store.create(south.actor, noRequest, 'contacts', { name: 'Out Of Scope', email: 'out.of.scope@example.com' });
      await store.create(manager.actor, noRequest, 'accounts', { name: 'North Star Media', kind: 'advertiser' });
      await store.create(south.actor, noRequest, 'accounts', { name: 'South Wind Films', kind: 'agency' });
    } finally {
      await kernel.close();
    }
  }, 180_000);
  afterAll(async () => install?.cleanup());

  it('init: makes the data dir, keys, certificate and first administrator; refuses to overwrite, changing nothing', async () => {
    expect(install.init.code).toBe(0);
    expect(install.init.stdout).toMatch(new RegExp(`Initialised .* \\(${dialect}, cipher suite intl, master key: file\\)`));
    expect(install.init.stdout).toContain(`First administrator: ${E2E_ADMIN_EMAIL} (password from the file given)`);
    const mode = (file: string) => (statSync(path.join(install.dataDir, file)).mode & 0o777).toString(8);
    expect([mode('.'), mode('master.key'), mode('tls/key.pem')]).toEqual(['700', '600', '600']);
    expect(existsSync(path.join(install.dataDir, 'tls', 'cert.pem'))).toBe(true);

    const before = snapshot(install.dataDir);
    const again = await refused(['init', '--admin-email', 'intruder@castellan-e2e.test'], /refusing to overwrite|not empty|already/i);
    expect(again.stdout).not.toMatch(/One-time password/);
    expect(snapshot(install.dataDir)).toEqual(before);
  });

  it('migrate: applies every migration to an empty database, then has nothing to do', async () => {
    expect((await ok(['migrate'])).stdout).toContain('The schema is up to date.');
    const scratch = dialect === 'postgres' ? await createScratchPostgres() : undefined;
    const url = scratch?.url ?? `sqlite:${path.join(install.root, 'fresh-migrate.db')}`;
    try {
      const target = { CASTELLAN_DATABASE_URL: url, CASTELLAN_DATABASE_OWNER_URL: scratch?.ownerUrl };
      const first = await ok(['migrate'], target);
      const applied = /^Applied: (.*)$/m.exec(first.stdout)?.[1]?.split(', ') ?? [];
      expect(applied[0]).toBe('001-initial');
      expect(applied).toContain('013-oidc-links');
      expect((await ok(['migrate'], target)).stdout).toContain('The schema is up to date.');
    } finally {
      await scratch?.drop();
    }
  });

  it('user add: creates an account that signs in with its password; a bad role is refused and creates nobody', async () => {
    const added = await install.addUser(opsEmail, 'Ops Second', ['system_admin'], 'Operations');
    expect(added.id).toMatch(/^[0-9a-f-]{36}$/);
    const out = install.cliOutputs.at(-1)?.stdout ?? '';
    expect(out).toContain(`Added user ${added.id} (system_admin, team Operations)`);
    expect(out).not.toContain(opsEmail);
    const password = install.secretFile('bad-role-password.txt', E2E_USER_PASSWORD);
    await refused(
      ['user', 'add', '--email', 'nobody.made@castellan-e2e.test', '--name', 'Nobody', '--role', 'emperor', '--password-file', password],
      /emperor/,
    );
    await refused(['user', 'add', '--email', opsEmail, '--name', 'Twice', '--role', 'system_admin', '--password-file', password], /exists/);
  });

  it('token create: prints only the token, once, with the scopes asked; scopes beyond the user are refused', async () => {
    await install.addUser(auditorEmail, 'Auditor', ['audit_admin']);
    // An administrator's account gets no anonymous personal token from the console: only a named integration token.
    const anonymous = await refused(['token', 'create', '--user', auditorEmail, '--scopes', 'audit.read'], /--integration/);
    expect(anonymous.stdout).toBe('');
    const result = await ok(['token', 'create', '--user', auditorEmail, '--scopes', 'audit.read', '--expires-days', '7', '--integration', 'siem-check']);
    expect(lines(result.stdout)).toHaveLength(1);
    auditorToken = lines(result.stdout)[0] as string;
    expect(auditorToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(result.stderr).toMatch(/Integration token [0-9a-f]{32} "siem-check" for .*, scopes audit\.read, expires \d{4}-/);
    const beyond = await refused(
      ['token', 'create', '--user', auditorEmail, '--scopes', 'contacts.read', '--integration', 'too-wide'],
      /scopes not held by the user: contacts\.read/,
    );
    expect(beyond.stdout).toBe('');
  });

  it('serve: HTTPS with health, sign-in for the users made above and the token; stops cleanly on SIGTERM', async () => {
    const server = await install.startServer();
    try {
      expect((await httpsJson('GET', `${server.url}/healthz`)).body).toEqual({ status: 'ok', database: dialect });
      for (const [email, password] of [
        [E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD],
        [opsEmail, E2E_USER_PASSWORD],
      ] as const) {
        const login = await httpsJson('POST', `${server.url}/api/v1/auth/login`, { body: { email, password } });
        expect(login.status, login.text).toBe(200);
        // Administrators must enrol a second factor first.
        expect(login.body).toMatchObject({ sessionKind: 'restricted', mfaEnrolmentRequired: true });
      }
      const never = await httpsJson('POST', `${server.url}/api/v1/auth/login`, {
        body: { email: 'nobody.made@castellan-e2e.test', password: E2E_USER_PASSWORD },
      });
      expect(never.status).toBe(401);
      const verify = await httpsJson('GET', `${server.url}/api/v1/audit/verify`, { token: auditorToken });
      expect(verify.status, verify.text).toBe(200);
      expect(verify.body.intact).toBe(true);
    } finally {
      const exit = await server.stop();
      expect(exit, server.output()).toMatchObject({ code: 0, forced: false });
    }
  });

  it('export contacts / accounts --as E: what E sees, audited as the operator acting on behalf of E', async () => {
    const contacts = lines((await ok(['export', 'contacts', '--as', manager.email])).stdout).map((line) => JSON.parse(line));
    expect(contacts.map((c) => c.name).sort()).toEqual(['Li Lei', '王芳']);
    expect(contacts.find((c) => c.name === '王芳')?.idNumber).toBe('1101**********1234');
    const csv = lines((await ok(['export', 'contacts', '--as', manager.email, '--format', 'csv'])).stdout);
    expect(csv[0]?.split(',')).toEqual(expect.arrayContaining(['id', 'name', 'email', 'idNumber']));
    expect(csv).toHaveLength(3);
    const accounts = lines((await ok(['export', 'accounts', '--as', manager.email])).stdout).map((line) => JSON.parse(line));
    expect(accounts.map((a) => a.name)).toEqual(['North Star Media']);

    // A user without the export permission exports nothing; neither does an unknown one.
    expect((await refused(['export', 'accounts', '--as', rep.email], /missing permission accounts\.export/)).stdout).toBe('');
    expect((await refused(['export', 'contacts', '--as', rep.email], /missing permission contacts\.export/)).stdout).toBe('');
    await refused(['export', 'contacts', '--as', 'nobody.made@castellan-e2e.test'], /no active user/);

    // The audit trail names whoever was at the console, and the manager only as the user acted for.
    const exports = (await auditEvents()).filter((e) => e.action === 'personal_data.export' || e.action === 'record.exported');
    expect(exports.map((e) => e.action).sort()).toEqual(['personal_data.export', 'personal_data.export', 'record.exported']);
    for (const event of exports) {
      expect(event).toMatchObject({ actor_kind: 'operator', actor_id: OS_ACTOR, detail: { onBehalfOf: manager.id } });
      expect(event.actor_id).not.toContain(manager.id);
    }
  });

  it('keys status / keys rotate: a new data key version, everyone re-encrypted, the data still readable', async () => {
    expect((await ok(['keys', 'status'])).stdout).toMatch(/Current data key version: 1\n/);
    const rotate = await ok(['keys', 'rotate']);
    expect(rotate.stdout).toMatch(/Started rotation to data key version 2/);
    expect(rotate.stdout).toMatch(/Rotation finished: all data is under data key version 2/);
    const status = JSON.parse((await ok(['keys', 'status', '--json'])).stdout);
    expect(status.currentVersion).toBe(2);
    expect(status.rotation).toMatchObject({ toVersion: 2, status: 'finished', remaining: 0 });
    const v1 = status.versions.find((v: { version: number }) => v.version === 1);
    const v2 = status.versions.find((v: { version: number }) => v.version === 2);
    expect(v1.subjects).toBe(0);
    expect(v2.subjects).toBeGreaterThan(0);
    const after = lines((await ok(['export', 'contacts', '--as', manager.email])).stdout).map((line) => JSON.parse(line).name);
    expect(after.sort()).toEqual(['Li Lei', '王芳']);
  });

  it('keys rotate-signing [--revoke-previous]: a new audit signing key; the old one superseded, then revoked; the trail still verifies', async () => {
    const plain = await ok(['keys', 'rotate-signing']);
    expect(plain.stdout).toMatch(/The audit signing key is now version 2 \(ed25519:[\w-]+\); version 1 \(ed25519:[\w-]+\) still verifies what it signed/);
    const revoked = await ok(['keys', 'rotate-signing', '--revoke-previous']);
    expect(revoked.stdout).toMatch(/now version 3 .*version 2 \(ed25519:[\w-]+\) is REVOKED/);
    expect(revoked.stdout).toMatch(/Take a backup now/);
    const status = JSON.parse((await ok(['keys', 'status', '--json'])).stdout);
    expect(status.signing.map((k: { status: string }) => k.status)).toEqual(['superseded', 'revoked', 'current']);
    expect((await ok(['keys', 'status'])).stdout).toMatch(/v2 {2}revoked {4}ed25519:\S+ {2}revoked 20/);
  });

  it('audit verify: exit 0 on the intact trail of everything above', async () => {
    const result = await ok(['audit', 'verify']);
    expect(result.stdout).toMatch(/The audit trail is intact: \d+ events, \d+ signed checkpoints\./);
    expect(JSON.parse((await ok(['audit', 'verify', '--json'])).stdout)).toMatchObject({ intact: true });
  });

  it('audit export: every event as a JSON line with its chain, to a file (0600), resumable with --since-seq', async () => {
    const file = path.join(install.root, 'audit-export.jsonl');
    const result = await ok(['audit', 'export', '--output', file]);
    const match = /Exported (\d+) audit events to .* \(seq (\d+)–(\d+)\); resume with --since-seq (\d+)/.exec(result.stdout);
    expect(match, result.stdout).not.toBeNull();
    const events = lines(readFileSync(file, 'utf8')).map((line) => JSON.parse(line) as ExportedEvent);
    expect(events).toHaveLength(Number(match?.[1]));
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    for (let i = 1; i < events.length; i++) {
      expect(events[i]?.seq).toBeGreaterThan(events[i - 1]?.seq ?? 0);
      expect(events[i]?.chain.prev).toBe(events[i - 1]?.chain.hash);
    }
    const last = Number(match?.[4]);
    expect(last).toBe(events.at(-1)?.seq);
    const resumed = await ok(['audit', 'export', '--since-seq', String(last)]);
    expect(resumed.stdout).toBe('');
    expect(resumed.stderr).toContain(`Exported 0 audit events after seq ${last}`);
  });

  it('monitor replay: scores an exported trail with the detection rules, one JSON line per alert; bad rule settings are refused by name', async () => {
    const file = path.join(install.root, 'monitor-events.jsonl');
    await ok(['audit', 'export', '--output', file]);
    const events = lines(readFileSync(file, 'utf8')).map((line) => JSON.parse(line) as ExportedEvent & Record<string, unknown>);
    const last = events.at(-1) as ExportedEvent & Record<string, unknown>;
    // Twelve wrong passwords on one account within two minutes, after the recorded trail, as sign-in records them.
    const guesses = Array.from({ length: 12 }, (_, i) => ({
      ...last,
      seq: last.seq + 1 + i,
      at: new Date(Date.parse(String(last.at)) + 60_000 + i * 10_000).toISOString(),
      actor_kind: 'anonymous',
      actor_id: null,
      action: 'auth.login.failed',
      outcome: 'failure',
      resource: 'users',
      resource_id: null,
      subject_ids: null,
      fields: null,
      detail: { reason: 'unknown_account', account: 'acct:0123456789abcdef' },
    }));
    writeFileSync(file, `${readFileSync(file, 'utf8')}${guesses.map((g) => JSON.stringify(g)).join('\n')}\nnot json\n`);
    const replayed = await ok(['monitor', 'replay', file]);
    const alerts = lines(replayed.stdout).map((line) => JSON.parse(line));
    expect(alerts.map((a) => [a.ruleId, a.entity, a.suppressedCount])).toEqual([['brute-force-account', { kind: 'account', id: 'acct:0123456789abcdef' }, 2]]);
    expect(replayed.stderr).toContain(`${events.length + 13} line(s): ${events.length + 12} event(s) scored, 0 already scored, skipped 1 not JSON; 1 alert(s)`);
    // Stricter settings from a file raise it on fewer guesses.
    const settings = path.join(install.root, 'monitor-rules.json');
    writeFileSync(settings, JSON.stringify({ rules: { 'brute-force-account': { failures: 20 } } }));
    expect(lines((await ok(['monitor', 'replay', file, '--rules', settings])).stdout)).toEqual([]);
    writeFileSync(settings, JSON.stringify({ rules: { 'brute-force-account': { failures: -1 } }, colour: 'red' }));
    await refused(['monitor', 'replay', file, '--rules', settings], /not valid:[\s\S]*rules\.brute-force-account\.failures[\s\S]*colour is not a setting/);
    await refused(['monitor', 'replay', path.join(install.root, 'none.jsonl')], /no events file at/);
    // What `monitor rules` prints is a settings file `--rules` takes as it is.
    const shown = (await ok(['monitor', 'rules'])).stdout;
    expect(Object.keys(JSON.parse(shown).rules)).toHaveLength(14);
    expect(JSON.parse(shown).rules['brute-force-account']).toEqual({ enabled: true, exceptions: [], failures: 10, windowMinutes: 10 });
    writeFileSync(settings, shown);
    expect((await ok(['monitor', 'rules', '--rules', settings])).stdout).toBe(shown);
  });

  it('audit ship: a clear error without a SIEM; with one (a real rsyslog over TLS) every event arrives', async () => {
    await refused(['audit', 'ship'], /CASTELLAN_SIEM_SYSLOG_URL is not set/);
    const dir = mkdtempSync(path.join(tmpdir(), 'castellan-cli-siem-'));
    const pki = await writeTestPki(path.join(dir, 'pki'));
    const rsyslog = await createRsyslogReceiver(path.join(dir, 'rsyslog'), pki);
    await rsyslog.start();
    try {
      const events = await auditEvents();
      const siem = { CASTELLAN_SIEM_SYSLOG_URL: rsyslog.url, CASTELLAN_SIEM_CA_FILE: pki.caFile };
      const ship = await ok(['audit', 'ship'], siem);
      expect(ship.stdout).toContain(`Shipped ${events.length} audit events to ${rsyslog.url} (up to seq ${events.at(-1)?.seq})`);
      const received = await rsyslog.waitForMessages(events.length);
      expect(received).toHaveLength(events.length);
      // The SIEM sees the operator as the actor and the user acted for.
      expect(received.some((m) => m.includes(`actor="operator:${OS_ACTOR}" onBehalfOf="${manager.id}"`))).toBe(true);
      expect((await ok(['audit', 'ship'], siem)).stdout).toMatch(/Shipped 0 audit events/);
    } finally {
      await rsyslog.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('audit archive: nothing before the retention period; a retention period (365 days) later every event is archived, signed, and the trail still verifies', async () => {
    expect((await ok(['audit', 'archive'])).stdout).toContain('No audit event is older than the retention period.');
    const before = await auditEvents();
    const later = { NODE_OPTIONS: `--import=${SHIFTED_CLOCK}`, TEST_CLOCK_SHIFT_DAYS: '400' };
    const archived = await ok(['audit', 'archive'], later);
    const match = /Archived events (\d+)-(\d+) \((\d+)\) to (\S+\.jsonl\.gz)/.exec(archived.stdout);
    expect(match, archived.stdout).not.toBeNull();
    const [, from, to, count, file] = match as RegExpExecArray;
    expect([Number(from), Number(to)]).toEqual([before[0]?.seq, before.at(-1)?.seq]);
    expect(lines(gunzipSync(readFileSync(String(file))).toString('utf8'))).toHaveLength(Number(count));
    const manifest = JSON.parse(readFileSync(String(file).replace(/\.jsonl\.gz$/, '.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'castellan-audit-archive/v1', fromSeq: Number(from), toSeq: Number(to), count: Number(count) });
    expect(manifest.signature).toMatch(/^[A-Za-z0-9+/=]{80,}$/);
    // The archived events are gone from the database; the trail verifies from the signed anchor.
    expect((await auditEvents())[0]?.seq).toBeGreaterThan(Number(to));
    expect((await ok(['audit', 'verify'])).stdout).toMatch(/The audit trail is intact/);
  });

  it('start: initialises a new data dir (first administrator from the config file) and serves; the next start only serves', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'castellan-e2e-start-'));
    const scratch = dialect === 'postgres' ? await createScratchPostgres() : undefined;
    const configFile = path.join(root, 'castellan.json');
    writeFileSync(configFile, JSON.stringify({ CASTELLAN_ADMIN_EMAIL: 'founder@castellan-e2e.test', CASTELLAN_DORMANT_AUTO_DISABLE: false }));
    const env = {
      CASTELLAN_DATA_DIR: path.join(root, 'data'),
      CASTELLAN_HOST: '127.0.0.1',
      CASTELLAN_CONFIG_FILE: configFile,
      ...(scratch ? { CASTELLAN_DATABASE_URL: scratch.url, CASTELLAN_DATABASE_OWNER_URL: scratch.ownerUrl } : {}),
    };
    try {
      const first = await startServer(env, { verb: 'start', logFile: path.join(root, 'start-1.log'), readyTimeoutMs: 60_000 });
      try {
        expect(first.output()).toMatch(/Initialised /);
        expect(first.output()).toContain('First administrator: founder@castellan-e2e.test');
        const oneTime = /One-time password: +(\S+)/.exec(first.output())?.[1];
        expect(oneTime).toBeDefined();
        const login = await httpsJson('POST', `${first.url}/api/v1/auth/login`, { body: { email: 'founder@castellan-e2e.test', password: oneTime } });
        expect(login.status, login.text).toBe(200);
        expect(login.body).toMatchObject({ sessionKind: 'restricted', passwordChangeRequired: true });
      } finally {
        expect(await first.stop()).toMatchObject({ code: 0, forced: false });
      }
      const second = await startServer(env, { verb: 'start', logFile: path.join(root, 'start-2.log') });
      try {
        expect((await httpsJson('GET', `${second.url}/healthz`)).status).toBe(200);
        expect(second.output()).not.toMatch(/One-time password|Initialised/);
      } finally {
        expect(await second.stop()).toMatchObject({ code: 0, forced: false });
      }
    } finally {
      await scratch?.drop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('start --demo / demo: a new data dir gets the demo organisation (staff for every role with enrolment links, every step reported); demo again is refused', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'castellan-e2e-demo-'));
    const scratch = dialect === 'postgres' ? await createScratchPostgres() : undefined;
    const env = {
      CASTELLAN_DATA_DIR: path.join(root, 'data'),
      CASTELLAN_HOST: '127.0.0.1',
      CASTELLAN_ADMIN_EMAIL: 'founder@castellan-e2e.test',
      ...(scratch ? { CASTELLAN_DATABASE_URL: scratch.url, CASTELLAN_DATABASE_OWNER_URL: scratch.ownerUrl } : {}),
    };
    try {
      const server = await startServer(env, {
        verb: 'start',
        args: ['--demo', '--demo-scale', '0.1'],
        logFile: path.join(root, 'demo.log'),
        readyTimeoutMs: 150_000,
      });
      try {
        const output = server.output();
        expect(output).toMatch(/Demo staff/);
        expect(output).toMatch(/sales_manager +sales\.manager@demo\.castellan\.example +https:\/\/\S+\/enrol#token=/);
        expect(output).toContain('First administrator: founder@castellan-e2e.test');
        expect(output).toMatch(/demo: business contacts: \d+/);
      } finally {
        expect(await server.stop()).toMatchObject({ code: 0, forced: false });
      }
      const again = await install.cli(['demo'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^castellan: the demo data set is already loaded/);
    } finally {
      await scratch?.drop();
      rmSync(root, { recursive: true, force: true });
    }
  }, 240_000);

  it('every verb has --help (exit 0)', async () => {
    const verbs = [
      ['init'],
      ['start'],
      ['serve'],
      ['migrate'],
      ['user', 'add'],
      ['token', 'create'],
      ['keys', 'rotate'],
      ['keys', 'status'],
      ['keys', 'rotate-signing'],
      ['export'],
      ['demo'],
      ['audit', 'verify'],
      ['audit', 'archive'],
      ['audit', 'export'],
      ['audit', 'ship'],
      ['monitor', 'replay'],
    ];
    for (const verb of verbs) {
      const help = await ok([...verb, '--help']);
      expect(help.stdout).toContain(`Usage: castellan ${verb.join(' ')}`);
    }
    // Sixteen node start-ups: seconds each on the loaded 2-CPU CI machine.
  }, 240_000);
});
