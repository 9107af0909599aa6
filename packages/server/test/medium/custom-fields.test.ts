import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { envelopeKeyVersion } from '../../src/platform/crypto/envelope.js';
import { completeRotation, startRotation } from '../../src/platform/crypto/key-rotation.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { exportRecords } from '../../src/platform/data/export-records.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { testDialects } from '../helpers/databases.js';
import { searchDatabase } from '../helpers/plaintext-search.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { addUser, type TestInstall, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import type { TotpSessions } from '../helpers/totp-sessions.js';

/**
 * Custom fields over HTTP: an administrator defines them; values travel under `custom` on the
 * object's own routes, are checked against their definition, and a personal one is encrypted under
 * the record's subject key (never on disk in plaintext), masked per the reader's rules, named in read
 * events, exported, re-encrypted by key rotation and gone with its record.
 */
describe.each(testDialects)('custom fields on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let sessions: TotpSessions;
  let managerEmail: string;
  const tokens: Record<string, string> = {};
  const call = (who: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const db = () => install.kernel.db.kysely as any;
  const secret = 'Passport E12345678 kept at the front desk';
  const fields: Record<string, string> = {};

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
    tokens.admin = await tokenFor(install.kernel, await addUser(install.kernel, ['system_admin']));
    const manager = await addUser(install.kernel, ['sales_manager'], 'North');
    managerEmail = manager.email;
    tokens.manager = await tokenFor(install.kernel, manager);
    const rep = await addUser(install.kernel, ['sales_rep'], 'North');
    tokens.rep = await tokenFor(install.kernel, rep);
    tokens.agent = await tokenFor(install.kernel, await addUser(install.kernel, ['service_agent'], 'Care'));
    for (const [name, body] of Object.entries({
      tier: {
        object: 'contacts',
        key: 'loyalty_tier',
        labelZh: '会员等级',
        labelEn: 'Loyalty tier',
        type: 'enum',
        options: ['gold', 'silver'],
        classification: 'internal',
      },
      note: { object: 'contacts', key: 'passportNote', labelZh: '护照备注', labelEn: 'Passport note', type: 'text', classification: 'personal', mask: 'text' },
      income: { object: 'contacts', key: 'income', labelZh: '收入', labelEn: 'Income', type: 'integer', classification: 'sensitive' },
      region: { object: 'channels', key: 'region', labelZh: '地区', labelEn: 'Region', type: 'text', classification: 'public' },
    })) {
      const made = await call('admin', 'POST', '/api/v1/custom-fields', body);
      expect(made.statusCode, made.body).toBe(201);
      fields[name] = made.json().id;
    }
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('lets only an administrator define fields, and refuses clashes, bad keys and personal fields on objects without personal data', async () => {
    const base = { object: 'contacts', labelZh: '字段', labelEn: 'Field', type: 'text', classification: 'internal' };
    expect((await call('manager', 'POST', '/api/v1/custom-fields', { ...base, key: 'extra' })).statusCode).toBe(403);
    for (const key of ['email', 'id_number', 'idNumber', 'custom', 'maskedFields'])
      expect((await call('admin', 'POST', '/api/v1/custom-fields', { ...base, key })).statusCode, key).toBe(422);
    for (const key of ['Bad-Key', '1st', 'with space', 'snake_Camel'])
      expect((await call('admin', 'POST', '/api/v1/custom-fields', { ...base, key })).statusCode, key).toBe(400);
    const personalOnChannels = await call('admin', 'POST', '/api/v1/custom-fields', {
      ...base,
      object: 'channels',
      key: 'owner_phone',
      classification: 'personal',
    });
    expect(personalOnChannels.statusCode).toBe(422);
    expect(personalOnChannels.json().error.message).toContain('holds no personal data');
    expect((await call('admin', 'POST', '/api/v1/custom-fields', { ...base, key: 'kind', type: 'enum' })).statusCode).toBe(422);
    expect((await call('admin', 'POST', '/api/v1/custom-fields', { ...base, key: 'kind', options: ['a'] })).statusCode).toBe(422);
    expect((await call('admin', 'POST', '/api/v1/custom-fields', { ...base, key: 'kind', mask: 'text' })).statusCode).toBe(422);
    expect((await call('admin', 'POST', '/api/v1/custom-fields', { ...base, object: 'nothing', key: 'kind' })).statusCode).toBe(422);
    expect((await call('admin', 'POST', '/api/v1/custom-fields', { ...base, key: 'loyalty_tier' })).statusCode).toBe(409);
  });

  it('lets one of several parallel definitions of a key win; the others get 409', async () => {
    const body = { object: 'accounts', key: 'race_key', labelZh: '并发', labelEn: 'Race', type: 'text', classification: 'internal' };
    const answers = await Promise.all(Array.from({ length: 4 }, () => call('admin', 'POST', '/api/v1/custom-fields', body)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409]);
    const stored = await db().selectFrom('custom_fields').select('id').where('object', '=', 'accounts').where('key', '=', 'race_key').execute();
    expect(stored).toHaveLength(1);
    expect((await call('admin', 'DELETE', `/api/v1/custom-fields/${stored[0].id}`)).statusCode).toBe(204);
  });

  it('shows definitions to readers of the object only', async () => {
    const seen = await call('rep', 'GET', '/api/v1/custom-fields?object=contacts');
    expect(seen.statusCode).toBe(200);
    expect(
      seen
        .json()
        .items.map((d: { key: string }) => d.key)
        .sort(),
    ).toEqual(['income', 'loyalty_tier', 'passportNote']);
    expect((await call('agent', 'GET', '/api/v1/custom-fields?object=channels')).statusCode).toBe(403);
    expect((await call('agent', 'GET', `/api/v1/custom-fields/${fields.region}`)).statusCode).toBe(404);
    const all = (await call('agent', 'GET', '/api/v1/custom-fields')).json().items.map((d: { object: string }) => d.object);
    expect(all).not.toContain('channels');
    expect(all).toContain('contacts');
  });

  it('shows every definition to the administrator who manages them, though they read no records of the object', async () => {
    const contacts = await call('admin', 'GET', '/api/v1/custom-fields?object=contacts');
    expect(contacts.statusCode).toBe(200);
    expect(contacts.json().items.map((d: { key: string }) => d.key)).toEqual(expect.arrayContaining(['income', 'loyalty_tier', 'passportNote']));
    const all = (await call('admin', 'GET', '/api/v1/custom-fields')).json().items.map((d: { object: string }) => d.object);
    expect(all).toEqual(expect.arrayContaining(['contacts', 'channels']));
    expect((await call('admin', 'GET', `/api/v1/custom-fields/${fields.note}`)).statusCode).toBe(200);
    expect((await call('admin', 'GET', '/api/v1/contacts')).statusCode).toBe(403);
  });

  it('stores, validates and shows custom values under custom; a personal one masked or hidden per role', async () => {
    const before = Number((await db().selectFrom('contacts').select(db().fn.countAll().as('n')).executeTakeFirst()).n);
    for (const [custom, why] of [
      [{ loyalty_tier: 'platinum' }, 'not an option'],
      [{ income: 'a lot' }, 'not a number'],
      [{ income: 1.5 }, 'not whole'],
      [{ nope: 1 }, 'unknown key'],
      [{ passportNote: 42 }, 'not text'],
    ] as const) {
      const res = await call('manager', 'POST', '/api/v1/contacts', { name: 'Bad Custom', custom });
      expect(res.statusCode, why).toBe(422);
    }
    expect(Number((await db().selectFrom('contacts').select(db().fn.countAll().as('n')).executeTakeFirst()).n)).toBe(before);

    const made = await call('manager', 'POST', '/api/v1/contacts', {
      name: 'Zhou Min',
      email: 'zhou.min@example.com',
      custom: { loyalty_tier: 'gold', passportNote: secret, income: 250000 },
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().custom).toEqual({ loyalty_tier: 'gold', passportNote: secret, income: '***' });
    expect(made.json().maskedFields).toEqual(expect.arrayContaining(['custom.income']));
    const id = made.json().id;

    // The sales rep sees birth dates and addresses masked: personal custom fields masked; sensitive hidden.
    const rep = await call('rep', 'POST', '/api/v1/contacts', { name: 'Rep Contact', custom: { passportNote: secret } });
    expect(rep.statusCode, rep.body).toBe(201);
    expect(rep.json().custom.passportNote).not.toContain('E12345678');
    expect(rep.json().custom).not.toHaveProperty('income');
    expect(rep.json().maskedFields).toContain('custom.passportNote');
    expect((await call('rep', 'PATCH', `/api/v1/contacts/${rep.json().id}`, { custom: { income: 1 } })).statusCode).toBe(403);

    const changed = await call('manager', 'PATCH', `/api/v1/contacts/${id}`, { custom: { loyalty_tier: 'silver', income: null } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().custom).toEqual({ loyalty_tier: 'silver', passportNote: secret, income: null });

    // Read events name the personal custom fields read; the update's audit names the field, never the value.
    const got = await call('manager', 'GET', `/api/v1/contacts/${id}`);
    const requestId = String(got.headers['x-request-id']);
    const read = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', requestId)
      .where('action', '=', 'personal_data.read')
      .executeTakeFirst();
    expect(JSON.parse(read.fields)).toEqual(expect.arrayContaining(['name', 'custom.passportNote', 'custom.income']));
    const listed = await call('manager', 'GET', '/api/v1/contacts');
    expect(listed.json().items.find((c: { id: string }) => c.id === id).custom.loyalty_tier).toBe('silver');
    const events = await db().selectFrom('audit_events').select(['fields', 'detail']).where('resource_id', '=', id).execute();
    expect(JSON.stringify(events)).not.toContain('E12345678');
    expect(JSON.stringify(events)).toContain('custom.passportNote');

    // Reference data too, through the generated routes.
    const channel = await call('admin', 'GET', '/api/v1/channels');
    expect(channel.statusCode).toBe(403);
    const ch = await call('manager', 'POST', '/api/v1/channels', { code: 'CF-1', name: 'Custom', kind: 'tv', custom: { region: '华东' } });
    expect(ch.statusCode, ch.body).toBe(201);
    expect(ch.json().custom).toEqual({ region: '华东' });
    expect((await call('manager', 'PATCH', `/api/v1/channels/${ch.json().id}`, { custom: { region: 7 } })).statusCode).toBe(422);
  });

  it('reveals a masked personal custom value with a reason, audited; refuses plain and unknown ones', async () => {
    const zhou = (await call('manager', 'GET', '/api/v1/contacts')).json().items.find((c: { name: string }) => c.name === 'Zhou Min');
    expect((await call('manager', 'PATCH', `/api/v1/contacts/${zhou.id}`, { custom: { income: 320000 } })).statusCode).toBe(200);
    expect((await call('manager', 'GET', `/api/v1/contacts/${zhou.id}`)).json().custom.income).toBe('***');
    const client = await sessions.fullSession(managerEmail, USER_PASSWORD);
    const url = `/api/v1/contacts/${zhou.id}/reveal`;
    const revealed = await client.call('POST', url, { fields: ['custom.income', 'name'], reason: 'legal_request' });
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json().values).toEqual({ 'custom.income': '320000', name: 'Zhou Min' });
    const event = await db().selectFrom('audit_events').selectAll().where('action', '=', 'personal_data.reveal').orderBy('seq', 'desc').executeTakeFirst();
    expect(JSON.parse(event.fields)).toEqual(['custom.income', 'name']);
    expect(JSON.stringify(event)).not.toContain('320000');
    expect((await client.call('POST', url, { fields: ['custom.loyalty_tier'], reason: 'legal_request' })).statusCode).toBe(422);
    expect((await client.call('POST', url, { fields: ['custom.nope'], reason: 'legal_request' })).statusCode).toBe(422);
    expect((await client.call('POST', url, { fields: ['custom.bad-key'], reason: 'legal_request' })).statusCode).toBe(400);
    expect((await call('manager', 'PATCH', `/api/v1/contacts/${zhou.id}`, { custom: { income: null } })).statusCode).toBe(200);
  });

  it('filters lists and saved views by public and internal custom fields, never by personal ones', async () => {
    const zhou = (await call('manager', 'GET', '/api/v1/contacts')).json().items.find((c: { name: string }) => c.name === 'Zhou Min');
    const silver = await call('manager', 'GET', '/api/v1/contacts?custom=loyalty_tier:silver');
    expect(silver.statusCode, silver.body).toBe(200);
    expect(silver.json().items.map((c: { id: string }) => c.id)).toEqual([zhou.id]);
    expect((await call('manager', 'GET', '/api/v1/contacts?custom=loyalty_tier:gold')).json().items).toEqual([]);
    const without = (await call('manager', 'GET', '/api/v1/contacts?custom=loyalty_tier:&limit=200')).json().items.map((c: { id: string }) => c.id);
    expect(without).not.toContain(zhou.id);
    expect(without.length).toBeGreaterThan(0);
    expect((await call('manager', 'GET', '/api/v1/contacts?custom=passportNote:x')).statusCode).toBe(422);
    expect((await call('manager', 'GET', '/api/v1/contacts?custom=income:1')).statusCode).toBe(422);
    expect((await call('manager', 'GET', '/api/v1/contacts?custom=nope:x')).statusCode).toBe(422);
    expect((await call('manager', 'GET', '/api/v1/contacts?custom=loyalty_tier:platinum')).statusCode).toBe(422);
    expect((await call('manager', 'GET', '/api/v1/channels?custom=region:华东')).json().items).toHaveLength(1);

    expect(
      (await call('manager', 'POST', '/api/v1/saved-views', { object: 'contacts', name: 'By note', filters: { 'custom.passportNote': 'x' } })).statusCode,
    ).toBe(422);
    expect((await call('manager', 'POST', '/api/v1/saved-views', { object: 'contacts', name: 'Unknown', filters: { 'custom.nope': 'x' } })).statusCode).toBe(
      422,
    );
    const view = await call('manager', 'POST', '/api/v1/saved-views', { object: 'contacts', name: 'Silver', filters: { 'custom.loyalty_tier': 'silver' } });
    expect(view.statusCode, view.body).toBe(201);
    const applied = await call('manager', 'GET', `/api/v1/contacts?view=${view.json().id}`);
    expect(applied.json().items.map((c: { id: string }) => c.id)).toEqual([zhou.id]);
  });

  it('changes labels, masks and enum options of a definition, never dropping an option in use', async () => {
    const tier = `/api/v1/custom-fields/${fields.tier}`;
    expect((await call('admin', 'PATCH', tier, { options: ['gold'] })).statusCode).toBe(409);
    const grown = await call('admin', 'PATCH', tier, { options: ['gold', 'silver', 'bronze'], labelZh: '等级' });
    expect(grown.statusCode, grown.body).toBe(200);
    expect(grown.json()).toMatchObject({ options: ['gold', 'silver', 'bronze'], labelZh: '等级', key: 'loyalty_tier', type: 'enum' });
    expect((await call('admin', 'PATCH', tier, { mask: 'text' })).statusCode).toBe(422);
    expect((await call('admin', 'PATCH', tier, { type: 'text' })).statusCode).toBe(400);
    expect((await call('admin', 'PATCH', `/api/v1/custom-fields/${fields.note}`, { mask: 'name' })).json().mask).toBe('name');
    expect((await call('manager', 'PATCH', tier, { labelEn: 'x' })).statusCode).toBe(403);
    const events = await db().selectFrom('audit_events').select('action').where('resource', '=', 'custom_fields').execute();
    expect(events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['record.created', 'record.updated']));
    expect((await call('admin', 'PATCH', `/api/v1/custom-fields/${fields.note}`, { mask: 'text' })).statusCode).toBe(200);
  });

  it('sorts and pages by a plain custom field (numbers as numbers, empty last), never by a personal one', async () => {
    const field = await call('admin', 'POST', '/api/v1/custom-fields', {
      object: 'channels',
      key: 'screens',
      labelZh: '屏幕数',
      labelEn: 'Screens',
      type: 'integer',
      classification: 'internal',
    });
    expect(field.statusCode, field.body).toBe(201);
    const made: string[] = [];
    for (const [i, screens] of [9, 100, null, 10, 10, -3].entries()) {
      const res = await call('manager', 'POST', '/api/v1/channels', { code: `SORT-${i}`, name: `Sort ${i}`, kind: 'radio', custom: { screens } });
      expect(res.statusCode, res.body).toBe(201);
      made.push(res.json().id);
    }
    const walk = async (order: string, limit: number) => {
      const out: { id: string; custom: { screens: number | null } }[] = [];
      let cursor: string | null = null;
      do {
        const res = await call(
          'manager',
          'GET',
          `/api/v1/channels?kind=radio&sort=custom.screens&order=${order}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.statusCode, res.body).toBe(200);
        out.push(...res.json().items);
        cursor = res.json().nextCursor;
      } while (cursor);
      return out;
    };
    for (const limit of [1, 2, 4]) {
      expect((await walk('asc', limit)).map((c) => c.custom.screens)).toEqual([-3, 9, 10, 10, 100, null]);
      expect((await walk('desc', limit)).map((c) => c.custom.screens)).toEqual([null, 100, 10, 10, 9, -3]);
      expect(new Set((await walk('asc', limit)).map((c) => c.id))).toEqual(new Set(made));
    }
    expect((await call('manager', 'GET', '/api/v1/contacts?sort=custom.passportNote')).statusCode).toBe(422);
    expect((await call('manager', 'GET', '/api/v1/contacts?sort=custom.nope')).statusCode).toBe(422);
    expect((await call('manager', 'GET', '/api/v1/contacts?sort=custom.loyalty_tier&order=desc')).statusCode).toBe(200);
    expect((await call('manager', 'POST', '/api/v1/saved-views', { object: 'contacts', name: 'By note', sort: 'custom.passportNote' })).statusCode).toBe(422);
    const view = await call('manager', 'POST', '/api/v1/saved-views', { object: 'channels', name: 'Most screens', sort: 'custom.screens', order: 'desc' });
    expect(view.statusCode, view.body).toBe(201);
    const viewed = await call('manager', 'GET', `/api/v1/channels?view=${view.json().id}&kind=radio`);
    expect(viewed.json().items.map((c: { custom: { screens: number | null } }) => c.custom.screens)).toEqual([null, 100, 10, 10, 9, -3]);
  });

  it('never writes a personal custom value to the database, its files or the audit trail in plaintext', async () => {
    const needles = [secret, 'E12345678'];
    const target =
      dialect === 'sqlite'
        ? ({ dialect, file: install.kernel.db.file ?? '' } as const)
        : ({ dialect, url: install.env.CASTELLAN_DATABASE_OWNER_URL ?? install.env.CASTELLAN_DATABASE_URL ?? '' } as const);
    const found = await searchDatabase(target, needles);
    expect(found.hits).toEqual([]);
    expect(found.columns).toContain('custom_values.value_enc');
    if (dialect === 'sqlite') {
      const file = install.kernel.db.file ?? '';
      let searched = 0;
      for (const path of [file, `${file}-wal`]) {
        if (!existsSync(path)) continue;
        searched += 1;
        expect(readFileSync(path).includes(Buffer.from('E12345678', 'utf8')), path).toBe(false);
      }
      expect(searched).toBeGreaterThan(0);
    }
    // The stored value is a sealed envelope bound to its row: moved to another record it does not open.
    const rows = await db().selectFrom('custom_values').selectAll().where('field_id', '=', fields.note).execute();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.value_text).toBeNull();
      expect(row.subject_id).toBeTruthy();
    }
  });

  it('refuses a sealed value moved to another field of the same record (the AAD binds record and field)', async () => {
    const zhou = (await call('manager', 'GET', '/api/v1/contacts')).json().items.find((c: { name: string }) => c.name === 'Zhou Min');
    expect((await call('manager', 'PATCH', `/api/v1/contacts/${zhou.id}`, { custom: { income: 180000 } })).statusCode).toBe(200);
    const rows = await db().selectFrom('custom_values').selectAll().where('record_id', '=', zhou.id).where('value_enc', 'is not', null).execute();
    const note = rows.find((r: { field_id: string }) => r.field_id === fields.note);
    const income = rows.find((r: { field_id: string }) => r.field_id === fields.income);
    // Same record, same subject key: only the AAD tells the two envelopes apart.
    expect(note.subject_id).toBe(income.subject_id);
    await db().updateTable('custom_values').set({ value_enc: income.value_enc }).where('id', '=', note.id).execute();
    const tampered = await call('manager', 'GET', `/api/v1/contacts/${zhou.id}`);
    expect(tampered.statusCode).toBe(500);
    expect(tampered.json().error.code).toBe('integrity_error');
    await db().updateTable('custom_values').set({ value_enc: note.value_enc }).where('id', '=', note.id).execute();
    const restored = await call('manager', 'GET', `/api/v1/contacts/${zhou.id}`);
    expect(restored.json().custom).toMatchObject({ passportNote: secret });
    expect((await call('manager', 'PATCH', `/api/v1/contacts/${zhou.id}`, { custom: { income: null } })).statusCode).toBe(200);
  });

  it('exports custom values as the reader sees them, one CSV column per field', async () => {
    const store = new ProtectedStore(install.kernel);
    let csv = '';
    for await (const chunk of exportRecords(store, asSystem('test export'), noRequest, 'contacts', 'csv')) csv += chunk;
    const [header, ...lines] = csv.trim().split('\n');
    expect(header?.split(',')).toEqual(expect.arrayContaining(['custom.loyalty_tier', 'custom.passportNote', 'custom.income']));
    expect(lines.some((l) => l.includes(secret))).toBe(true);
    let jsonl = '';
    for await (const chunk of exportRecords(store, asSystem('test export'), noRequest, 'contacts', 'jsonl')) jsonl += chunk;
    const zhou = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((r) => r.name === 'Zhou Min');
    expect(zhou.custom).toEqual({ loyalty_tier: 'silver', passportNote: secret, income: null });
  });

  it('re-encrypts personal custom values when the data key rotates, and they read back', async () => {
    const before = await db().selectFrom('custom_values').selectAll().where('field_id', '=', fields.note).execute();
    for (const row of before) expect(envelopeKeyVersion(Buffer.from(row.value_enc))).toBe(1);
    const actor = asSystem('test rotation');
    vi.useRealTimers();
    const rotation = await startRotation(install.kernel, actor);
    await completeRotation(install.kernel, actor, rotation.id, { workerId: 'custom-test', batchSize: 5 });
    vi.useFakeTimers({ toFake: ['Date'] });
    const after = await db().selectFrom('custom_values').selectAll().where('field_id', '=', fields.note).execute();
    expect(after).toHaveLength(before.length);
    for (const row of after) expect(envelopeKeyVersion(Buffer.from(row.value_enc))).toBe(rotation.toVersion);
    const zhou = (await call('manager', 'GET', '/api/v1/contacts')).json().items.find((c: { name: string }) => c.name === 'Zhou Min');
    expect(zhou.custom.passportNote).toBe(secret);
  });

  it('takes custom values in bulk creation, all or nothing', async () => {
    const store = new ProtectedStore(install.kernel);
    const manager = await addUser(install.kernel, ['sales_manager'], 'North');
    const count = async () => Number((await db().selectFrom('custom_values').select(db().fn.countAll().as('n')).executeTakeFirst()).n);
    const before = await count();
    const bad = [
      { name: 'Bulk One', custom: { loyalty_tier: 'gold' } },
      { name: 'Bulk Two', custom: { loyalty_tier: 'platinum' } },
    ];
    await expect(store.createMany(manager.actor, noRequest, 'contacts', bad)).rejects.toThrow(expect.objectContaining({ status: 422 }));
    expect(await count()).toBe(before);
    const ids = await store.createMany(manager.actor, noRequest, 'contacts', [
      { name: 'Bulk One', custom: { loyalty_tier: 'gold', passportNote: 'bulk passport K7700' } },
      { name: 'Bulk Two' },
      { name: 'Bulk Three', custom: { income: 5 } },
    ]);
    expect(await count()).toBe(before + 3);
    const one = await store.get(manager.actor, noRequest, 'contacts', ids[0] as string);
    expect(one.custom).toEqual({ loyalty_tier: 'gold', passportNote: 'bulk passport K7700', income: null });
    expect((await store.get(manager.actor, noRequest, 'contacts', ids[2] as string)).custom).toMatchObject({ income: '***' });
    const sealed = await db().selectFrom('custom_values').selectAll().where('record_id', '=', ids[0]).where('field_id', '=', fields.note).executeTakeFirst();
    expect(sealed.value_text).toBeNull();
    expect(Buffer.from(sealed.value_enc).includes(Buffer.from('K7700'))).toBe(false);
  });

  it('deletes the values with their record, and every value with its field', async () => {
    const made = await call('manager', 'POST', '/api/v1/contacts', { name: 'Short Lived', custom: { passportNote: 'gone soon', loyalty_tier: 'gold' } });
    const id = made.json().id;
    expect(await db().selectFrom('custom_values').select('id').where('record_id', '=', id).execute()).toHaveLength(2);
    expect((await call('manager', 'DELETE', `/api/v1/contacts/${id}`)).statusCode).toBe(204);
    expect(await db().selectFrom('custom_values').select('id').where('record_id', '=', id).execute()).toHaveLength(0);

    const field = await call('admin', 'POST', '/api/v1/custom-fields', {
      object: 'contacts',
      key: 'temp_flag',
      labelZh: '临时',
      labelEn: 'Temp',
      type: 'boolean',
      classification: 'internal',
    });
    const other = await call('manager', 'POST', '/api/v1/contacts', { name: 'Flagged', custom: { temp_flag: true } });
    expect(other.json().custom.temp_flag).toBe(true);
    expect((await call('manager', 'DELETE', `/api/v1/custom-fields/${field.json().id}`)).statusCode).toBe(403);
    expect((await call('admin', 'PATCH', `/api/v1/custom-fields/${field.json().id}`, { labelEn: 'Temporary' })).json().labelEn).toBe('Temporary');
    expect((await call('admin', 'DELETE', `/api/v1/custom-fields/${field.json().id}`)).statusCode).toBe(204);
    expect(await db().selectFrom('custom_values').select('id').where('field_id', '=', field.json().id).execute()).toHaveLength(0);
    expect((await call('manager', 'GET', `/api/v1/contacts/${other.json().id}`)).json().custom).not.toHaveProperty('temp_flag');
  });
});
