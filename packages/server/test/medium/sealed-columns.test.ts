/**
 * The sealed-column registry is complete, and a key rotation leaves every kind of sealed value
 * openable: catalogue fields of contacts and staff, TOTP secrets and pending enrolments, passkey names
 * (a table reaching its subject through users) — on both databases, with both cipher suites and with
 * the master key on a PKCS#11 token. Before the registry, rotation re-encrypted only catalogue fields,
 * and every TOTP sign-in afterwards answered 500.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConfigKey } from '../../src/config/config.schema.js';
import { buildApp } from '../../src/http/build-app.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { envelopeKeyVersion, openValue } from '../../src/platform/crypto/envelope.js';
import { completeRotation, startRotation } from '../../src/platform/crypto/key-rotation.js';
import { otherBinaryColumns, subjectSealedColumns, subjectSealedTables, subjectViaOf } from '../../src/platform/crypto/sealed-columns.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { CustomFieldDefinitions } from '../../src/platform/data/custom-field-definitions.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import type { Kernel } from '../../src/platform/kernel.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { createSoftHsmToken, type SoftHsmToken } from '../helpers/softhsm.js';
import { SoftwarePasskey } from '../helpers/software-passkey.js';
import { addUser, createTestInstall, type TestInstall, type TestUser, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep } from '../helpers/totp-sessions.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/** Every column of the live schema that is binary or named `*_enc`, as `table.column`. */
async function binaryColumns(kernel: Kernel): Promise<string[]> {
  const db = kernel.db.kysely;
  if (kernel.db.dialect === 'sqlite') {
    const tables = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(db);
    const out: string[] = [];
    for (const { name } of tables.rows) {
      const columns = await sql<{ name: string; type: string }>`SELECT name, type FROM pragma_table_info(${name})`.execute(db);
      for (const c of columns.rows) if (/blob/i.test(c.type) || c.name.endsWith('_enc')) out.push(`${name}.${c.name}`);
    }
    return out.sort();
  }
  const columns = await sql<{ table_name: string; column_name: string; data_type: string }>`
    SELECT table_name, column_name, data_type FROM information_schema.columns
    WHERE table_schema = current_schema() AND (data_type = 'bytea' OR column_name LIKE '%\\_enc')`.execute(db);
  return columns.rows.map((c) => `${c.table_name}.${c.column_name}`).sort();
}

describe.each(testDialects)('the sealed-column registry on %s', (dialect) => {
  let install: TestInstall;
  beforeAll(async () => {
    install = await createTestInstall(dialect);
  });
  afterAll(async () => install?.cleanup());

  it('lists every binary or *_enc column of the schema, and nothing that is not there', async () => {
    const live = await binaryColumns(install.kernel);
    const registered = [...subjectSealedColumns.map((c) => `${c.table}.${c.column}`), ...otherBinaryColumns.map((c) => `${c.table}.${c.column}`)].sort();
    const missing = live.filter((c) => !registered.includes(c));
    expect(missing, 'encrypted columns missing from platform/crypto/sealed-columns.ts: rotation, erasure, DSAR and backup would miss them').toEqual([]);
    expect(
      registered.filter((c) => !live.includes(c)),
      'registry entries naming no column',
    ).toEqual([]);
  });

  it('names a subject_id on every table whose columns are sealed under a subject key, or a column leading to one', async () => {
    const db = install.kernel.db.kysely;
    const selects = (table: string, column: string) =>
      sql`SELECT ${sql.ref(column)} FROM ${sql.table(table)} LIMIT 0`.execute(db).then(
        () => true,
        () => false,
      );
    for (const table of subjectSealedTables().keys()) {
      const via = subjectViaOf(table);
      if (!via) {
        expect(await selects(table, 'subject_id'), `${table}.subject_id`).toBe(true);
        continue;
      }
      // The table has no subject of its own (rotation would find none of its rows by subject_id)…
      expect(await selects(table, 'subject_id'), `${table}.subject_id should not exist when subjectVia is set`).toBe(false);
      // …but names a row of another table that does.
      expect(await selects(table, via.column), `${table}.${via.column}`).toBe(true);
      expect(await selects(via.table, 'subject_id'), `${via.table}.subject_id`).toBe(true);
    }
    expect(subjectViaOf('webauthn_credentials')).toEqual({ column: 'user_id', table: 'users' });
  });
});

interface Setup {
  name: string;
  settings: () => Partial<Record<ConfigKey, string>>;
}

let token: SoftHsmToken | undefined;
const setups: Setup[] = [
  { name: 'intl suite, key file', settings: () => ({}) },
  { name: 'gm suite, key file', settings: () => ({ CASTELLAN_CRYPTO_SUITE: 'gm' }) },
  {
    name: 'intl suite, PKCS#11 token',
    settings: () => {
      token ??= createSoftHsmToken('castellan-rotation');
      return {
        CASTELLAN_MASTER_KEY_PROVIDER: 'pkcs11',
        CASTELLAN_PKCS11_MODULE: token.modulePath,
        CASTELLAN_PKCS11_TOKEN_LABEL: token.tokenLabel,
        CASTELLAN_PKCS11_PIN: token.pin,
        // Each install makes its own key on the shared token.
        CASTELLAN_PKCS11_KEY_LABEL: `kek-${Math.random().toString(36).slice(2, 10)}`,
      };
    },
  },
];
const cases = testDialects.flatMap((dialect) => setups.map((setup) => ({ dialect, setup })));

describe.each(cases)('key rotation keeps every sealed value openable ($dialect, $setup.name)', ({ dialect, setup }) => {
  let install: TestInstall;
  let app: App;
  let staff: TestUser;
  let pending: TestUser;
  let manager: TestUser;
  let secret: string;
  let recoveryCodes: string[];
  let staffClient: Client;
  const passkey = new SoftwarePasskey();
  const PASSKEY_NAME = 'Rotation desk YubiKey';
  const CUSTOM_NOTE = 'Passport G55501234 renewed in Shanghai';
  let contactId: string;
  const contact = {
    name: '李雷',
    email: 'li.lei@example.cn',
    phone: '13900001111',
    idNumber: '110101199003074514',
    birthDate: '1990-03-07',
    address: '北京市 海淀区 中关村大街 1号',
    wechatId: 'lilei_88',
    jobTitle: '采购经理',
  };

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect, setup.settings());
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    manager = await addUser(install.kernel, ['sales_manager'], 'Rotation Desk');
    staff = await addUser(install.kernel, ['service_agent'], 'Rotation Desk');
    pending = await addUser(install.kernel, ['service_agent'], 'Rotation Desk');
    contactId = String((await new ProtectedStore(install.kernel).create(manager.actor, noRequest, 'contacts', contact)).id);
    // …with a personal custom value (custom_values.value_enc, under the contact's subject key)…
    await new CustomFieldDefinitions(install.kernel).create(asSystem('test'), noRequest, {
      object: 'contacts',
      key: 'passport_note',
      labelZh: '护照备注',
      labelEn: 'Passport note',
      type: 'text',
      classification: 'personal',
    });
    await new ProtectedStore(install.kernel).update(manager.actor, noRequest, 'contacts', contactId, { custom: { passport_note: CUSTOM_NOTE } });

    // A confirmed TOTP factor with its recovery codes…
    const client = new Client(app);
    nextTotpStep();
    expect((await client.call('POST', '/api/v1/auth/login', { email: staff.email, password: USER_PASSWORD })).statusCode).toBe(200);
    const start = await client.call('POST', '/api/v1/me/mfa/totp');
    secret = start.json().secret;
    const confirm = await client.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(secret) });
    expect(confirm.statusCode, confirm.body).toBe(200);
    recoveryCodes = confirm.json().recoveryCodes;
    // …a passkey with a name (sealed under the staff member's subject key)…
    const options = await client.call('POST', '/api/v1/me/mfa/webauthn/options');
    expect(options.statusCode, options.body).toBe(200);
    const registered = await client.call('POST', '/api/v1/me/mfa/webauthn', { response: passkey.register(options.json()), name: PASSKEY_NAME });
    expect(registered.statusCode, registered.body).toBe(200);
    staffClient = client;
    // …and an enrolment started but not confirmed.
    const other = new Client(app);
    expect((await other.call('POST', '/api/v1/auth/login', { email: pending.email, password: USER_PASSWORD })).statusCode).toBe(200);
    pendingSecret = (await other.call('POST', '/api/v1/me/mfa/totp')).json().secret;
    pendingClient = other;

    const actor = asSystem('test rotation');
    const started = await startRotation(install.kernel, actor);
    await completeRotation(install.kernel, actor, started.id, { workerId: 'test', batchSize: 2 });
  });
  let pendingSecret: string;
  let pendingClient: Client;

  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  it('re-encrypted every registered column of every row under its subject key of the new version', async () => {
    const db = install.kernel.db.kysely;
    let opened = 0;
    for (const [table, columns] of subjectSealedTables()) {
      // A row's subject: its own subject_id, or that of the row its subjectVia column names.
      const via = subjectViaOf(table);
      const owner = via ? `${table}_owner` : table;
      let query = (db as any).selectFrom(table);
      if (via) query = query.innerJoin(`${via.table} as ${owner}`, `${owner}.id`, `${table}.${via.column}`);
      const rows = (await query
        .innerJoin('data_subjects', 'data_subjects.id', `${owner}.subject_id`)
        .select([
          `${table}.id as id`,
          `${owner}.subject_id as subject_id`,
          'data_subjects.key_version',
          'data_subjects.wrapped_key',
          ...columns.map((c) => `${table}.${c.column}`),
        ])
        .execute()) as Record<string, unknown>[];
      for (const row of rows) {
        expect(row.key_version).toBe(2);
        const key = install.kernel.keyring.subjectKey(String(row.subject_id), 2, Buffer.from(row.wrapped_key as Buffer));
        for (const column of columns) {
          const envelope = row[column.column] as Buffer | null;
          if (!envelope) continue;
          expect(envelopeKeyVersion(Buffer.from(envelope)), `${table}.${column.column}`).toBe(2);
          expect(() => openValue(key, Buffer.from(envelope), { table, column: column.aadColumn, rowId: String(row.id) }, install.kernel.suite)).not.toThrow();
          opened += 1;
        }
      }
    }
    // Contacts (8 fields), four staff (e-mail, name), one TOTP secret, one pending secret, one passkey name, one custom value.
    expect(opened).toBe(8 + 4 * 2 + 2 + 1 + 1);
  });

  it('shows the passkey its name after the rotation, and signs in with it', async () => {
    const listed = await staffClient.call('GET', '/api/v1/me/mfa/webauthn');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items).toEqual([expect.objectContaining({ id: passkey.id, name: PASSKEY_NAME })]);
    const client = new Client(app);
    const login = await client.call('POST', '/api/v1/auth/login', { email: staff.email, password: USER_PASSWORD });
    const challengeId = login.json().challengeId;
    const options = await client.call('POST', '/api/v1/auth/mfa/webauthn/options', { challengeId });
    expect(options.statusCode, options.body).toBe(200);
    const signedIn = await client.call('POST', '/api/v1/auth/mfa/webauthn', { challengeId, response: passkey.assert(options.json()) });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
  });

  it('still reads the contact', async () => {
    expect(await new ProtectedStore(install.kernel).get(asSystem('test read'), noRequest, 'contacts', contactId)).toMatchObject({
      ...contact,
      custom: { passport_note: CUSTOM_NOTE },
    });
  });

  it('signs in with TOTP, steps up with TOTP and with a recovery code after the rotation', async () => {
    const client = new Client(app);
    nextTotpStep();
    const login = await client.call('POST', '/api/v1/auth/login', { email: staff.email, password: USER_PASSWORD });
    expect(login.json().mfaRequired).toBe(true);
    const mfa = await client.call('POST', '/api/v1/auth/mfa', { challengeId: login.json().challengeId, code: oathtoolCode(secret) });
    expect(mfa.statusCode, mfa.body).toBe(200);
    nextTotpStep();
    expect((await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(secret) })).statusCode).toBe(200);
    const recovery = await client.call('POST', '/api/v1/auth/step-up', { code: recoveryCodes[0] });
    expect(recovery.statusCode, recovery.body).toBe(200);
  });

  it('confirms an enrolment started before the rotation', async () => {
    nextTotpStep();
    const confirm = await pendingClient.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(pendingSecret) });
    expect(confirm.statusCode, confirm.body).toBe(200);
  });
});

afterAll(() => token?.cleanup());
