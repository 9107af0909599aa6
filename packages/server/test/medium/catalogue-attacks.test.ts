import { existsSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { isOwnedObject, objectSpecs, protectedFields, type StoreObject, storeObjects } from '@castellan/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { loggerOptions } from '../../src/http/logger-options.js';
import { auditPseudonym } from '../../src/platform/audit/audit-personal-details.js';
import { testDialects } from '../helpers/databases.js';
import { searchDatabase } from '../helpers/plaintext-search.js';
import { sampleMakers } from '../helpers/samples/index.js';
import type { Sample, SampleCall } from '../helpers/samples/types.js';
import { addUser, createTestInstall, type TestInstall, tokenFor } from '../helpers/test-install.js';

/**
 * The catalogue-wide attack suite: every store object of every domain, through its domain's sample
 * maker (test/helpers/samples), is attacked the same way — another team's user with the same roles
 * gets 404 on read, change and delete of an owned record (and nothing changes); reference data is
 * organisation-wide; a read of a record that holds personal values writes a read event naming its
 * data subject in the same request; no personal value reaches the database (every column, and the
 * raw SQLite file and WAL) or the request log in plaintext. A store object without a sample fails it.
 */
describe.each(testDialects)('every catalogue object under attack on %s', (dialect) => {
  let install: TestInstall;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const logLines: string[] = [];
  const samples: Sample[] = [];
  const callers = new Map<string, Promise<SampleCall>>();

  const callerFor = (team: string, roles: readonly string[]): Promise<SampleCall> => {
    const key = `${team}|${[...roles].sort().join(',')}`;
    let made = callers.get(key);
    if (!made) {
      made = (async () => {
        const token = await tokenFor(install.kernel, await addUser(install.kernel, [...roles], team));
        return (method, url, payload, headers) =>
          app.inject({ method, url, headers: { ...headers, authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) }) as never;
      })();
      callers.set(key, made);
    }
    return made;
  };
  const lazy =
    (team: string, roles: readonly string[]): SampleCall =>
    async (method, url, payload, headers) =>
      (await callerFor(team, roles))(method, url, payload, headers);
  const pathOf = (sample: Sample) => `/api/v1/${objectSpecs[sample.object].plural}/${sample.id}`;
  const db = () => install.kernel.db.kysely as any;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await buildApp(install.kernel, {
      logger: { ...(loggerOptions('info', (ip) => auditPseudonym(install.kernel.keyring, 'ip', ip)) as object), stream },
    });
    await app.ready();
    for (const [domain, make] of Object.entries(sampleMakers)) {
      try {
        samples.push(...(await make({ as: (roles) => lazy('Team A', roles) })));
      } catch (error) {
        throw new Error(`the ${domain} sample maker failed: ${(error as Error).message}`);
      }
    }
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  it('has a sample of every store object', () => {
    const covered = new Set(samples.map((s) => s.object));
    expect(storeObjects.filter((object) => !covered.has(object))).toEqual([]);
  });

  it("answers 404 to another team's user with the same roles, for read, change and delete of owned records, and changes nothing", async () => {
    const owned = samples.filter((s) => isOwnedObject(s.object));
    expect(owned.length).toBeGreaterThan(0);
    for (const sample of owned) {
      const intruder = await callerFor('Team B', sample.by);
      const owner = await callerFor('Team A', sample.by);
      const before = (await owner('GET', pathOf(sample))).json();
      expect(sample.patch, `${sample.object}: the sample needs a valid patch`).toBeDefined();
      for (const [method, payload] of [['GET'], ['PATCH', sample.patch], ['DELETE']] as const) {
        const res = await intruder(method, pathOf(sample), payload);
        const expected = method === 'GET' && sample.seenByEveryTeam ? 200 : 404;
        expect(res.statusCode, `${method} ${sample.object} as another team: ${res.body}`).toBe(expected);
      }
      const list = await intruder('GET', `/api/v1/${objectSpecs[sample.object].plural}?limit=200`);
      if (list.statusCode === 200 && !sample.seenByEveryTeam)
        expect(
          list.json().items.map((i: { id: string }) => i.id),
          `${sample.object} listed to another team`,
        ).not.toContain(sample.id);
      const after = await owner('GET', pathOf(sample));
      expect(after.statusCode, `${sample.object} still there for its owner`).toBe(200);
      expect(after.json().updatedAt).toBe(before.updatedAt);
    }
  });

  it('shows reference data to readers of every team', async () => {
    for (const sample of samples.filter((s) => !isOwnedObject(s.object))) {
      const reader = await callerFor('Team B', sample.by);
      const res = await reader('GET', pathOf(sample));
      expect(res.statusCode, `${sample.object}: ${res.body}`).toBe(200);
    }
  });

  it('writes a read event naming the data subject when a record holding personal values is read', async () => {
    const personal = samples.filter((s) => protectedFields(s.object).length > 0 && (s.secrets?.length ?? 0) > 0);
    expect(personal.length).toBeGreaterThan(0);
    for (const sample of personal) {
      const owner = await callerFor('Team A', sample.by);
      const res = await owner('GET', pathOf(sample));
      expect(res.statusCode, res.body).toBe(200);
      const row = await db().selectFrom(sample.object).select('subject_id').where('id', '=', sample.id).executeTakeFirst();
      expect(row?.subject_id, `${sample.object} has a data subject`).toBeTruthy();
      const requestId = String((res as unknown as { headers: Record<string, string> }).headers['x-request-id']);
      const events = await db().selectFrom('audit_events').selectAll().where('request_id', '=', requestId).execute();
      const read = events.find((e: { action: string }) => e.action === 'personal_data.read');
      expect(read, `${sample.object}: no read event`).toBeDefined();
      expect(JSON.parse(read.subject_ids ?? '[]')).toContain(row.subject_id);
    }
  });

  it('keeps every personal value out of the database, its files and the request log', async () => {
    const secrets = [...new Set(samples.flatMap((s) => s.secrets ?? []))];
    expect(secrets.length).toBeGreaterThan(0);
    const target =
      dialect === 'sqlite'
        ? ({ dialect, file: install.kernel.db.file ?? '' } as const)
        : ({ dialect, url: install.env.CASTELLAN_DATABASE_OWNER_URL ?? install.env.CASTELLAN_DATABASE_URL ?? '' } as const);
    const found = await searchDatabase(target, secrets);
    expect(found.hits).toEqual([]);
    const sampled = new Set(samples.map((s) => s.object as StoreObject));
    for (const object of sampled)
      expect(
        found.columns.some((c) => c.startsWith(`${object}.`)),
        `${object} table searched`,
      ).toBe(true);
    if (dialect === 'sqlite') {
      const file = install.kernel.db.file ?? '';
      for (const path of [file, `${file}-wal`]) {
        if (!existsSync(path)) continue;
        const bytes = readFileSync(path);
        for (const secret of secrets) expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${path}`).toBe(false);
      }
    }
    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
