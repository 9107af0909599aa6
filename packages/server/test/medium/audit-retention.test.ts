import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { writeCheckpoint } from '../../src/platform/audit/checkpoints.js';
import { archiveExpiredEvents } from '../../src/platform/audit/retention.js';
import { verifyAuditChain } from '../../src/platform/audit/verify-audit-chain.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { asDatabaseAdministrator } from '../helpers/database-administrator.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

const DAY = 86_400_000;

describe.each(testDialects)('audit retention on %s', (dialect) => {
  let install: TestInstall | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await install?.cleanup();
    install = undefined;
  });

  it('refuses a retention shorter than six months', () => {
    expect(() => loadConfig({ CASTELLAN_AUDIT_RETENTION_DAYS: '90' })).toThrow(/CASTELLAN_AUDIT_RETENTION_DAYS.*184/);
  });

  it('archives expired events to a signed compressed file, removes them, and keeps the chain verifiable', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    install = await createTestInstall(dialect);
    const kernel = install.kernel;
    const manager = await addUser(kernel, ['sales_manager'], 'Retention');
    const store = new ProtectedStore(kernel);
    for (let i = 0; i < 5; i++) await store.create(manager.actor, noRequest, 'contacts', { name: `Old ${i}` });
    const oldEvents = await kernel.db.kysely.selectFrom('audit_events').select(['seq']).orderBy('seq').execute();
    await writeCheckpoint(kernel);

    vi.setSystemTime(new Date(start + 200 * DAY));
    for (let i = 0; i < 3; i++) await store.create(manager.actor, noRequest, 'contacts', { name: `New ${i}` });
    await writeCheckpoint(kernel);

    const result = await archiveExpiredEvents(kernel, new Date(start + 400 * DAY));
    expect(result).toMatchObject({ fromSeq: Number(oldEvents[0]?.seq), toSeq: Number(oldEvents.at(-1)?.seq), count: oldEvents.length });
    const remaining = await kernel.db.kysely.selectFrom('audit_events').select('seq').orderBy('seq').execute();
    expect(Number(remaining[0]?.seq)).toBeGreaterThan(Number(oldEvents.at(-1)?.seq));
    expect((await verifyAuditChain(kernel)).intact).toBe(true);

    // The archive holds exactly the removed events, and its manifest is signed by the log's key.
    const lines = gunzipSync(readFileSync(result?.file ?? ''))
      .toString('utf8')
      .trim()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual(oldEvents.map((e) => Number(e.seq)));
    const manifest = JSON.parse(readFileSync(result?.manifest ?? '', 'utf8'));
    const { keyId: _k, signature, ...body } = manifest;
    const publicKey = createPublicKey(readFileSync(path.join(kernel.config.auditCheckpoints.dir, 'audit-public-key.pem'), 'utf8'));
    expect(verify(null, Buffer.from(JSON.stringify(body)), publicKey, Buffer.from(signature, 'base64'))).toBe(true);

    // Nothing expired: nothing to do. A deletion after the cut is still found.
    expect(await archiveExpiredEvents(kernel, new Date(start + 400 * DAY))).toBeNull();
    const victim = Number(remaining[1]?.seq);
    await asDatabaseAdministrator(kernel, (db) => db.deleteFrom('audit_events').where('seq', '=', victim).execute());
    expect((await verifyAuditChain(kernel)).problem?.kind).toBe('removed');
  });

  it('refuses to archive a log that is not intact', async () => {
    install = await createTestInstall(dialect);
    const kernel = install.kernel;
    await addUser(kernel, ['sales_rep'], 'Broken');
    await asDatabaseAdministrator(kernel, (db) => db.updateTable('audit_events').set({ outcome: 'tampered' }).execute());
    await expect(archiveExpiredEvents(kernel, new Date(Date.now() + 400 * DAY))).rejects.toThrow(/not intact/);
  });
});
