import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { envelopeKeyVersion } from '../../src/platform/crypto/envelope.js';
import { completeRotation, rotationStatus, startRotation } from '../../src/platform/crypto/key-rotation.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { openKernel } from '../../src/platform/kernel.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser } from '../helpers/test-install.js';

describe.each(testDialects)('key rotation on %s', (dialect) => {
  let install: TestInstall;
  let store: ProtectedStore;
  let manager: TestUser;
  const ids: string[] = [];
  const actor = asSystem('test rotation');

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    store = new ProtectedStore(install.kernel);
    manager = await addUser(install.kernel, ['sales_manager'], 'Team R');
    ids.push(
      ...(await store.createMany(
        manager.actor,
        noRequest,
        'contacts',
        Array.from({ length: 45 }, (_, i) => ({ name: `Rot ${i}`, email: `rot${i}@example.com`, phone: `1380000${String(i).padStart(4, '0')}` })),
      )),
    );
  });
  afterAll(async () => {
    vi.useRealTimers();
    await install?.cleanup();
  });

  it('uses the new version for new writes at once and re-encrypts all old data in batches', async () => {
    const before = await install.kernel.db.kysely
      .selectFrom('contacts')
      .select(['id', 'email_enc'])
      .where('id', '=', ids[0] as string)
      .executeTakeFirstOrThrow();
    expect(envelopeKeyVersion(Buffer.from(before.email_enc as Buffer))).toBe(1);
    const started = await startRotation(install.kernel, actor);
    expect(started).toMatchObject({ toVersion: 2, resumed: false });
    const fresh = await store.create(manager.actor, noRequest, 'contacts', { name: 'After Rotation', email: 'after@example.com' });
    const freshRow = await install.kernel.db.kysely.selectFrom('contacts').select('email_enc').where('id', '=', String(fresh.id)).executeTakeFirstOrThrow();
    expect(envelopeKeyVersion(Buffer.from(freshRow.email_enc as Buffer))).toBe(2);

    // One batch, then status shows progress; then "crash" (new kernel) and resume. The clock stands
    // still from here, so the first worker's 300 ms lease holds until the test moves the clock on.
    vi.useFakeTimers({ toFake: ['Date'] });
    const firstBatch = await completeRotationSteps(1);
    expect(firstBatch).toBe(10);
    const mid = await rotationStatus(install.kernel);
    expect(mid.rotation).toMatchObject({ status: 'running', done: 10 });
    expect(mid.rotation?.remaining).toBeGreaterThan(0);
    await install.kernel.close();
    install.kernel = await openKernel(install.config);
    store = new ProtectedStore(install.kernel);
    const resumed = await startRotation(install.kernel, actor);
    expect(resumed).toMatchObject({ toVersion: 2, resumed: true });
    // The crashed worker's claim lapses; another worker then takes over.
    await expect(completeRotation(install.kernel, actor, resumed.id, { workerId: 'test-worker-2', batchSize: 10 })).rejects.toThrow(/lease/);
    vi.setSystemTime(Date.now() + 1_000); // the crashed worker's lease has lapsed: no sleep
    await completeRotation(install.kernel, actor, resumed.id, { workerId: 'test-worker-2', batchSize: 10, leaseMs: 5000 });
    vi.useRealTimers();

    const status = await rotationStatus(install.kernel);
    expect(status.rotation).toMatchObject({ status: 'finished', remaining: 0 });
    expect(status.versions.find((v) => v.version === 1)).toMatchObject({ status: 'retired', subjects: 0 });
    const rows = await install.kernel.db.kysely.selectFrom('contacts').select(['id', 'email_enc', 'name_enc']).execute();
    for (const row of rows) expect(envelopeKeyVersion(Buffer.from(row.name_enc as Buffer))).toBe(2);
    const after = rows.find((r) => r.id === ids[0]);
    expect(Buffer.from(after?.email_enc as Buffer).equals(Buffer.from(before.email_enc as Buffer))).toBe(false);
    for (const [i, id] of ids.entries()) expect((await store.get(manager.actor, noRequest, 'contacts', id)).email).toBe(`rot${i}@example.com`);
    const found = await store.list(manager.actor, noRequest, 'contacts', { limit: 5, search: { field: 'email', value: 'rot7@example.com' } });
    expect(found.items.map((c) => c.id)).toEqual([ids[7]]);
    const events = await install.kernel.db.kysely.selectFrom('audit_events').select('action').where('action', 'like', 'key.rotation.%').execute();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['key.rotation.started', 'key.rotation.batch', 'key.rotation.finished']));
  });

  async function completeRotationSteps(batches: number): Promise<number> {
    const { rotateBatch, runningRotation } = await import('../../src/platform/crypto/key-rotation.js');
    const rotation = await runningRotation(install.kernel);
    let done = 0;
    for (let i = 0; i < batches; i++)
      done += await rotateBatch(install.kernel, actor, String(rotation?.id), { workerId: 'test-worker-1', batchSize: 10, leaseMs: 300 });
    return done;
  }
});
