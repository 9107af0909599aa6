import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { envelopeKeyVersion, openValue, sealValue } from '../../src/platform/crypto/envelope.js';
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

  it('loses no write and revives no erased person when records change during a rotation', async () => {
    const made = await store.createMany(
      manager.actor,
      noRequest,
      'contacts',
      Array.from({ length: 60 }, (_, i) => ({ name: `Busy ${i}`, email: `busy${i}@example.com` })),
    );
    const started = await startRotation(install.kernel, actor);
    const updated = made.slice(0, 30);
    const erased = made.slice(30, 40);
    const erasedSubjects = (await install.kernel.db.kysely.selectFrom('contacts').select('subject_id').where('id', 'in', erased).execute()).map(
      (r) => r.subject_id,
    );
    await Promise.all([
      completeRotation(install.kernel, actor, started.id, { workerId: 'busy-worker', batchSize: 3 }),
      ...updated.map((id, i) => store.update(manager.actor, noRequest, 'contacts', id, { email: `changed${i}@example.com` })),
      ...erased.map((id) => store.remove(manager.actor, noRequest, 'contacts', id)),
    ]);
    await completeRotation(install.kernel, actor, started.id, { workerId: 'busy-worker', batchSize: 50 });
    for (const [i, id] of updated.entries()) expect((await store.get(manager.actor, noRequest, 'contacts', id)).email).toBe(`changed${i}@example.com`);
    for (const id of made.slice(40)) expect((await store.get(manager.actor, noRequest, 'contacts', id)).email).toMatch(/^busy\d+@example.com$/);
    const subjects = await install.kernel.db.kysely.selectFrom('data_subjects').select(['id', 'wrapped_key', 'key_version']).execute();
    for (const subject of subjects) {
      if (erasedSubjects.includes(subject.id)) expect(subject.wrapped_key, 'an erased key was written back').toBeNull();
      else expect(subject.key_version).toBe(started.toVersion);
    }
  });

  it.runIf(dialect === 'postgres')('makes a write wait while a rotation holds the subject, then seals under the new key (PostgreSQL)', async () => {
    const created = await store.create(manager.actor, noRequest, 'contacts', { name: 'Held Person', email: 'held@example.com' });
    const id = String(created.id);
    const db = install.kernel.db.kysely;
    const { subject_id: subjectId } = await db.selectFrom('contacts').select('subject_id').where('id', '=', id).executeTakeFirstOrThrow();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // What a rotation batch does to one subject, held open: lock the subject, re-key it, re-seal the row.
    const rotation = db.transaction().execute(async (trx) => {
      const subject = await trx.selectFrom('data_subjects').selectAll().where('id', '=', subjectId).forUpdate().executeTakeFirstOrThrow();
      locked();
      await gate;
      const oldKey = install.kernel.keyring.subjectKey(subjectId, subject.key_version, Buffer.from(subject.wrapped_key as Buffer));
      const version = install.kernel.keyring.currentFieldVersion;
      const fresh = install.kernel.keyring.newSubjectKey(subjectId, version);
      const row = await trx.selectFrom('contacts').select(['email_enc', 'name_enc']).where('id', '=', id).executeTakeFirstOrThrow();
      const reseal = (column: string, envelope: Buffer) =>
        sealValue(install.kernel.suite, fresh.key, version, openValue(oldKey, Buffer.from(envelope), { table: 'contacts', column, rowId: id }), {
          table: 'contacts',
          column,
          rowId: id,
        });
      await trx
        .updateTable('contacts')
        .set({ email_enc: reseal('email', row.email_enc as Buffer), name_enc: reseal('name', row.name_enc as Buffer) })
        .where('id', '=', id)
        .execute();
      await trx.updateTable('data_subjects').set({ key_version: version, wrapped_key: fresh.wrapped }).where('id', '=', subjectId).execute();
    });
    await holding;
    const write = store.update(manager.actor, noRequest, 'contacts', id, { email: 'moved@example.com' });
    // Observable, not timed: the writer's backend waits on a lock while the rotation holds the subject.
    for (let i = 0; ; i++) {
      if (i > 500) release(); // let the held transaction end before failing
      const waiting = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`.execute(db);
      if ((waiting.rows[0]?.n ?? 0) > 0) break;
      if (i > 500) throw new Error('the write did not wait for the subject lock');
      await new Promise((resolve) => setImmediate(resolve));
    }
    release();
    await rotation;
    expect((await write).email).toBe('moved@example.com');
    expect(await store.get(asSystem('test read'), noRequest, 'contacts', id)).toMatchObject({ email: 'moved@example.com', name: 'Held Person' });
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
