import { generateKeyPairSync, sign } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chainHash } from '../../src/platform/audit/append-audit-event.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { checkpointMessage, publicKeyId, writeCheckpoint } from '../../src/platform/audit/checkpoints.js';
import { verifyAuditChain } from '../../src/platform/audit/verify-audit-chain.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import type { Database } from '../../src/platform/db/schema.js';
import { openKernel } from '../../src/platform/kernel.js';
import { asDatabaseAdministrator } from '../helpers/database-administrator.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

describe.each(testDialects)('audit verify on %s', (dialect) => {
  let install: TestInstall | undefined;
  afterEach(async () => {
    await install?.cleanup();
    install = undefined;
  });

  /** A log of a few dozen events, checkpointed as at a clean shutdown; returns the events' seqs. */
  async function loggedInstall(): Promise<{ inst: TestInstall; seqs: number[] }> {
    const inst = await createTestInstall(dialect);
    install = inst;
    const manager = await addUser(inst.kernel, ['sales_manager'], 'Audit Team');
    const store = new ProtectedStore(inst.kernel);
    for (let i = 0; i < 12; i++) {
      const c = await store.create(manager.actor, noRequest, 'contacts', { name: `Audited ${i}`, email: `audited${i}@example.com` });
      await store.get(manager.actor, noRequest, 'contacts', String(c.id));
    }
    await writeCheckpoint(inst.kernel);
    const rows = await inst.kernel.db.kysely.selectFrom('audit_events').select('seq').orderBy('seq').execute();
    return { inst, seqs: rows.map((r) => Number(r.seq)) };
  }

  /** What a database administrator could do: switch the append-only guards off (PostgreSQL: as the owner role). */
  const asDba = <T>(inst: TestInstall, work: (db: Kysely<Database>) => Promise<T>) => asDatabaseAdministrator(inst.kernel, work);

  it('finds an intact log intact, with its signed checkpoints', async () => {
    const { inst, seqs } = await loggedInstall();
    const result = await verifyAuditChain(inst.kernel);
    expect(result).toMatchObject({ intact: true, events: seqs.length, lastSeq: seqs.at(-1) });
    expect(result.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it('names an event whose stored bytes were changed', async () => {
    const { inst, seqs } = await loggedInstall();
    const target = seqs[10] as number;
    await asDba(inst, (db) => db.updateTable('audit_events').set({ outcome: 'failure' }).where('seq', '=', target).execute());
    const result = await verifyAuditChain(inst.kernel);
    expect(result.problem).toMatchObject({ kind: 'altered', seq: target });
    expect(result.problem?.message).toContain(`event ${target}`);
  });

  it('names an event altered and re-hashed by someone without the key', async () => {
    const { inst, seqs } = await loggedInstall();
    const target = seqs[7] as number;
    const row = await inst.kernel.db.kysely.selectFrom('audit_events').selectAll().where('seq', '=', target).executeTakeFirstOrThrow();
    const forged = { ...row, actor_id: 'someone-else' };
    await asDba(inst, (db) =>
      db
        .updateTable('audit_events')
        .set({ actor_id: 'someone-else', hash: chainHash(inst.kernel.suite, forged) })
        .where('seq', '=', target)
        .execute(),
    );
    expect((await verifyAuditChain(inst.kernel)).problem).toMatchObject({ kind: 'inserted', seq: target });
  });

  it('finds an event deleted in the middle', async () => {
    const { inst, seqs } = await loggedInstall();
    const target = seqs[5] as number;
    await asDba(inst, (db) => db.deleteFrom('audit_events').where('seq', '=', target).execute());
    const result = await verifyAuditChain(inst.kernel);
    expect(result.intact).toBe(false);
    expect(result.problem?.kind).toBe('removed');
    expect(result.problem?.seq).toBe(seqs[6]);
  });

  it('finds the newest events deleted (truncation) through the signed checkpoint', async () => {
    const { inst, seqs } = await loggedInstall();
    await asDba(inst, (db) =>
      db
        .deleteFrom('audit_events')
        .where('seq', '>', seqs.at(-4) as number)
        .execute(),
    );
    expect((await verifyAuditChain(inst.kernel)).problem).toMatchObject({ kind: 'truncated', seq: seqs.at(-1) });
    // Deleting the database's own checkpoints does not help: the copy outside the database remains.
    await asDba(inst, (db) => db.deleteFrom('audit_checkpoints').execute());
    expect((await verifyAuditChain(inst.kernel)).problem).toMatchObject({ kind: 'truncated' });
  });

  it('finds a forged event inserted at the end with a correct-looking chain', async () => {
    const { inst, seqs } = await loggedInstall();
    const last = await inst.kernel.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', seqs.at(-1) as number)
      .executeTakeFirstOrThrow();
    const body = { ...last, id: '01a22885-0000-7000-8000-00000000f00d', action: 'record.deleted', prev_hash: last.hash, at: new Date().toISOString() };
    const { seq: _seq, hash: _hash, seal: _seal, ...fields } = body;
    await inst.kernel.db.kysely
      .insertInto('audit_events')
      .values({ ...fields, hash: chainHash(inst.kernel.suite, fields), seal: 'f'.repeat(64) })
      .execute();
    const result = await verifyAuditChain(inst.kernel);
    expect(result.problem).toMatchObject({ kind: 'inserted', eventId: '01a22885-0000-7000-8000-00000000f00d' });
  });

  it('refuses a forged checkpoint', async () => {
    const { inst, seqs } = await loggedInstall();
    await inst.kernel.db.kysely
      .insertInto('audit_checkpoints')
      .values({ seq: (seqs.at(-1) as number) + 50, hash: 'a'.repeat(64), at: new Date().toISOString(), key_id: 'ed25519:forged', signature: 'AAAA' })
      .execute();
    expect((await verifyAuditChain(inst.kernel)).problem).toMatchObject({ kind: 'bad_checkpoint' });
  });

  it('refuses a checkpoint properly signed by another Ed25519 key, in the database or in the file', async () => {
    const { inst, seqs } = await loggedInstall();
    const newest = await inst.kernel.db.kysely.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const other = generateKeyPairSync('ed25519');
    const body = { seq: Number(newest.seq), hash: newest.hash, at: new Date().toISOString() };
    const forged = { ...body, keyId: publicKeyId(other.publicKey), signature: sign(null, checkpointMessage(body), other.privateKey).toString('base64') };
    // In the file outside the database…
    const file = path.join(inst.config.auditCheckpoints.dir, 'checkpoints.jsonl');
    appendFileSync(file, `${JSON.stringify(forged)}\n`);
    expect((await verifyAuditChain(inst.kernel)).problem).toMatchObject({ kind: 'bad_checkpoint', seq: seqs.at(-1) });
    // …and in the database, carrying this log's key id (only the signature betrays it).
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(0, -2).join('\n').concat('\n'));
    expect((await verifyAuditChain(inst.kernel)).intact).toBe(true);
    await inst.kernel.db.kysely
      .insertInto('audit_checkpoints')
      .values({ seq: body.seq + 1, hash: body.hash, at: body.at, key_id: publicKeyId(inst.kernel.keyring.auditPublicKey), signature: forged.signature })
      .execute();
    expect((await verifyAuditChain(inst.kernel)).problem).toMatchObject({ kind: 'bad_checkpoint', seq: body.seq + 1 });
  });

  it('fails loudly when the checkpoint file or the public key file outside the database is gone', async () => {
    for (const name of ['checkpoints.jsonl', 'audit-public-key.pem']) {
      const { inst } = await loggedInstall();
      rmSync(path.join(inst.config.auditCheckpoints.dir, name));
      const result = await verifyAuditChain(inst.kernel);
      expect(result.intact).toBe(false);
      expect(result.problem?.message).toContain(name);
      // Writing a new checkpoint does not quietly start a new record either.
      await new ProtectedStore(inst.kernel).create(asSystem('test'), noRequest, 'accounts', {
        name: 'After',
        kind: 'advertiser',
        ownerId: (await addUser(inst.kernel, ['sales_manager'])).id,
      });
      await expect(writeCheckpoint(inst.kernel)).rejects.toThrow(name);
      expect(existsSync(path.join(inst.config.auditCheckpoints.dir, name))).toBe(false);
      await inst.cleanup();
      install = undefined;
    }
  });

  it('refuses to open when the audit signing key row is missing, rather than making a new one', async () => {
    const { inst } = await loggedInstall();
    await inst.kernel.db.kysely.deleteFrom('data_keys').where('purpose', '=', 'audit_signing').execute();
    await inst.kernel.close();
    await expect(openKernel(inst.config)).rejects.toThrow(/audit signing key is missing/);
  });

  it('stays intact when the clock goes backwards between events', async () => {
    const { inst } = await loggedInstall();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date(Date.now() - 3 * 3600_000));
      const manager = await addUser(inst.kernel, ['sales_manager'], 'Clock Team');
      await new ProtectedStore(inst.kernel).create(manager.actor, noRequest, 'contacts', { name: 'Back In Time' });
      await writeCheckpoint(inst.kernel);
    } finally {
      vi.useRealTimers();
    }
    const times = (await inst.kernel.db.kysely.selectFrom('audit_events').select('at').orderBy('seq').execute()).map((r) => r.at);
    expect([...times].sort()).not.toEqual(times);
    expect((await verifyAuditChain(inst.kernel)).intact).toBe(true);
  });

  it('refuses updates and deletes of the log at the database itself', async () => {
    const { inst, seqs } = await loggedInstall();
    // The application role: refused by the trigger (SQLite) or, on PostgreSQL, before it by the missing privilege.
    const refusal = dialect === 'sqlite' ? /append-only/ : /permission denied/;
    const attempts = (db: Kysely<Database>) => [
      db
        .updateTable('audit_events')
        .set({ outcome: 'x' })
        .where('seq', '=', seqs[1] as number)
        .execute(),
      db
        .deleteFrom('audit_events')
        .where('seq', '=', seqs[1] as number)
        .execute(),
    ];
    for (const attempt of attempts(inst.kernel.db.kysely)) await expect(attempt).rejects.toThrow(refusal);
    if (dialect === 'postgres') {
      // Even the owner, holding the privileges again, meets the trigger.
      await inst.kernel.db.withOwner(async (owner) => {
        await sql`GRANT UPDATE, DELETE ON audit_events TO CURRENT_USER`.execute(owner);
        for (const attempt of attempts(owner)) await expect(attempt).rejects.toThrow(/append-only/);
      });
    }
    expect((await verifyAuditChain(inst.kernel)).intact).toBe(true);
  });
});
