import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GENESIS_HASH } from '../../src/platform/audit/append-audit-event.js';
import { exportAuditJsonl } from '../../src/platform/audit/siem/export-jsonl.js';
import type { AuditEventRow } from '../../src/platform/audit/siem/jsonl-format.js';
import { type AuditEventSink, advanceSiemCursor, readSiemCursor, SiemShipError, shipAuditEvents } from '../../src/platform/audit/siem/shipper.js';
import { startSiemShipperJob } from '../../src/platform/jobs/siem-shipper.js';
import type { Kernel } from '../../src/platform/kernel.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

interface Line {
  seq: number;
  id: string;
  action: string;
  subject_ids: unknown;
  fields: unknown;
  detail: unknown;
  chain: { prev: string; hash: string };
  [column: string]: unknown;
}

async function exportLines(install: TestInstall, sinceSeq?: number) {
  let text = '';
  const report = await exportAuditJsonl(
    install.kernel.db.kysely,
    async (chunk) => {
      text += chunk;
    },
    { sinceSeq, batchSize: 3 },
  );
  expect(text === '' || text.endsWith('\n')).toBe(true);
  const lines = text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
  return { report, lines };
}

/** A sink that records what it is given and fails when told to. */
function recordingSink() {
  const received: AuditEventRow[] = [];
  const sink = {
    description: 'memory://test',
    failNext: 0,
    calls: 0,
    async send(events: readonly AuditEventRow[]) {
      sink.calls += 1;
      if (sink.failNext > 0) {
        sink.failNext -= 1;
        throw new Error('receiver down');
      }
      received.push(...events);
    },
  };
  return { sink: sink as AuditEventSink & typeof sink, received };
}

const seqs = (rows: readonly { seq: number | string }[]) => rows.map((r) => Number(r.seq));

describe.each(testDialects)('SIEM export on %s', (dialect) => {
  let install: TestInstall;

  async function allSeqs(): Promise<number[]> {
    const rows = await install.kernel.db.kysely.selectFrom('audit_events').select('seq').orderBy('seq').execute();
    return seqs(rows);
  }

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    for (let i = 0; i < 4; i++) await addUser(install.kernel, ['sales_rep'], 'Export Team');
  });
  afterAll(async () => install?.cleanup());

  it('exports every event as JSON lines in seq order, JSON columns parsed, chained', async () => {
    const { report, lines } = await exportLines(install);
    const expected = await allSeqs();
    expect(expected.length).toBeGreaterThan(5);
    expect(lines.map((l) => l.seq)).toEqual(expected);
    expect(report).toEqual({ count: expected.length, firstSeq: expected[0], lastSeq: expected.at(-1) });
    expect(lines[0]?.chain.prev).toBe(GENESIS_HASH);
    for (let i = 1; i < lines.length; i++) expect(lines[i]?.chain.prev).toBe(lines[i - 1]?.chain.hash);

    const stored = await install.kernel.db.kysely.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    for (const [i, row] of stored.entries()) {
      const line = lines[i] as Line;
      expect(line.id).toBe(row.id);
      expect(line.action).toBe(row.action);
      expect(line.chain.hash).toBe(row.hash);
      for (const column of ['subject_ids', 'fields', 'detail'] as const) {
        const value = row[column];
        expect(line[column]).toEqual(value === null ? null : JSON.parse(value));
        if (value !== null) expect(typeof line[column]).not.toBe('string');
      }
      expect(line).not.toHaveProperty('hash');
      expect(line).not.toHaveProperty('prev_hash');
      for (const column of Object.keys(row).filter((c) => c !== 'hash' && c !== 'prev_hash')) expect(line, column).toHaveProperty(column);
    }
  });

  it('resumes with --since-seq: the second export holds exactly the newer events', async () => {
    const first = await exportLines(install);
    const lastSeq = first.report.lastSeq as number;
    await addUser(install.kernel, ['sales_rep'], 'Export Team');
    await addUser(install.kernel, ['sales_manager'], 'Export Team');
    const second = await exportLines(install, lastSeq);
    expect(second.lines.length).toBeGreaterThan(0);
    expect(second.lines.every((l) => l.seq > lastSeq)).toBe(true);
    expect(second.lines[0]?.chain.prev).toBe(first.lines.at(-1)?.chain.hash);
    const whole = await exportLines(install);
    expect([...first.lines, ...second.lines]).toEqual(whole.lines);
    const none = await exportLines(install, whole.report.lastSeq as number);
    expect(none.lines).toEqual([]);
    expect(none.report).toEqual({ count: 0, firstSeq: null, lastSeq: null });
  });

  it('ships in order and moves the cursor only past batches the sink accepted', async () => {
    const { sink, received } = recordingSink();
    const cursor = `test-${dialect}-ship`;
    const expected = await allSeqs();

    sink.failNext = 0;
    // The second batch fails: the first stays shipped, the cursor stays after it.
    const original = sink.send.bind(sink);
    let batch = 0;
    sink.send = async (events) => {
      batch += 1;
      if (batch === 2) throw new Error('receiver down');
      return original(events);
    };
    const error = await shipAuditEvents(install.kernel.db.kysely, sink, { cursor, batchSize: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SiemShipError);
    expect((error as SiemShipError).shipped).toBe(5);
    expect((error as SiemShipError).lastSeq).toBe(expected[4]);
    expect((error as SiemShipError).message).toMatch(/memory:\/\/test failed after 5 event\(s\).*receiver down/);
    expect(await readSiemCursor(install.kernel.db.kysely, cursor)).toBe(expected[4]);

    sink.send = original;
    const report = await shipAuditEvents(install.kernel.db.kysely, sink, { cursor, batchSize: 5 });
    expect(report).toEqual({ shipped: expected.length - 5, lastSeq: expected.at(-1), caughtUp: true });
    expect(seqs(received)).toEqual(expected); // every event exactly once, in order
    expect(await readSiemCursor(install.kernel.db.kysely, cursor)).toBe(expected.at(-1));

    const again = await shipAuditEvents(install.kernel.db.kysely, sink, { cursor, batchSize: 5 });
    expect(again).toEqual({ shipped: 0, lastSeq: expected.at(-1), caughtUp: true });

    await addUser(install.kernel, ['sales_rep'], 'Export Team');
    const more = await shipAuditEvents(install.kernel.db.kysely, sink, { cursor, batchSize: 5, maxBatches: 1 });
    expect(more.shipped).toBeGreaterThan(0);
    await shipAuditEvents(install.kernel.db.kysely, sink, { cursor });
    expect(seqs(received)).toEqual(await allSeqs());
  });

  it('never moves a cursor backwards', async () => {
    const db = install.kernel.db.kysely;
    await advanceSiemCursor(db, 'test-monotonic', 10);
    await advanceSiemCursor(db, 'test-monotonic', 7);
    expect(await readSiemCursor(db, 'test-monotonic')).toBe(10);
    await advanceSiemCursor(db, 'test-monotonic', 12);
    expect(await readSiemCursor(db, 'test-monotonic')).toBe(12);
    expect(await readSiemCursor(db, 'test-never-used')).toBe(0);
  });

  it('the background job survives a receiver that is down, backs off, and then ships everything once', async () => {
    await install.kernel.db.kysely.deleteFrom('siem_cursors').where('name', '=', 'syslog').execute();
    const { sink, received } = recordingSink();
    sink.failNext = 3;
    const warnings: unknown[] = [];
    const log = {
      info: () => undefined,
      warn: (obj: unknown) => warnings.push(obj),
      error: () => undefined,
    } as unknown as FastifyBaseLogger;
    // The job runs on a fake clock: its intervals and back-off pass when the test moves the clock, so
    // "stopped" is proven by moving it far past any retry, not by sleeping. Each round the job starts
    // reads kernel.db.kysely once, synchronously in its timer callback: `rounds` counts them.
    let rounds = 0;
    const db = install.kernel.db;
    const counted = {
      ...install.kernel,
      db: {
        ...db,
        get kysely() {
          rounds += 1;
          return db.kysely;
        },
      },
    } as Kernel;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const until = async (done: () => boolean, what: string) => {
        const deadline = performance.now() + 20_000; // a safety net for a broken job, not a timing assertion
        while (!done()) {
          if (performance.now() > deadline) throw new Error(`the job never ${what}`);
          await vi.advanceTimersByTimeAsync(20);
          await new Promise((resolve) => setImmediate(resolve)); // let real database I/O progress
        }
      };
      const job = startSiemShipperJob(counted, log, { host: 'memory', port: 1, caFile: undefined, facility: 10, intervalMs: 20 }, sink);
      let stopped = false;
      try {
        const expected = await allSeqs();
        await until(() => received.length >= expected.length, 'shipped the backlog');
        expect(warnings).toHaveLength(3);
        expect(warnings[0]).toMatchObject({ failures: 1, lastSeq: 0, err: { message: 'receiver down' } });
        expect(warnings[2]).toMatchObject({ failures: 3, retryInSeconds: 0.08 });
        expect(seqs(received)).toEqual(expected);

        await addUser(install.kernel, ['sales_rep'], 'Export Team');
        const later = await allSeqs();
        await until(() => received.length >= later.length, 'shipped the new events');
        expect(seqs(received)).toEqual(later);
        await job.stop();
        stopped = true;
      } finally {
        if (!stopped) await job.stop();
      }
      const calls = sink.calls;
      const started = rounds;
      await vi.advanceTimersByTimeAsync(10 * 60_000); // past the longest back-off, ten times over
      expect(rounds).toBe(started); // stopped means stopped: no round began
      expect(sink.calls).toBe(calls);
    } finally {
      vi.useRealTimers();
    }
  });
});
