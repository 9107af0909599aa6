/**
 * SIEM export against a REAL receiver: Debian's rsyslog with the GnuTLS driver, started by the test
 * on a loopback port with its own CA and certificate. The built CLI (`castellan audit ship`) and a
 * running server's background job ship the audit events over TLS; rsyslog writes each raw message
 * to a file. Every event must arrive, in seq order, with the same content as `castellan audit export`
 * — across a receiver that is stopped and started again, without blocking a single request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../helpers/databases.js';
import { assertRsyslogInstalled, createRsyslogReceiver, type RsyslogReceiver, type TestPki, writeTestPki } from '../helpers/rsyslog.js';
import { type E2eInstall, httpsJson, initInstall } from '../helpers/server-process.js';

const GENESIS = '0'.repeat(64);

interface ExportedEvent {
  seq: number;
  id: string;
  action: string;
  outcome: string;
  chain: { prev: string; hash: string };
  [column: string]: unknown;
}

interface ReceivedMessage {
  raw: string;
  pri: number;
  msgid: string;
  sdSeq: number;
  event: ExportedEvent;
}

/** `<PRI>1 TIMESTAMP HOSTNAME castellan - ACTION [castellan@32473 seq="…" …] {json}` as rsyslog stored it. */
function parseReceived(raw: string): ReceivedMessage {
  const header = /^<(\d+)>1 (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) (\S+) castellan - (\S+) \[castellan@32473 seq="(\d+)" /.exec(raw);
  if (!header) throw new Error(`rsyslog stored a message that is not Castellan's RFC 5424 form:\n${raw}`);
  const msgStart = raw.indexOf('] {');
  if (msgStart < 0) throw new Error(`no JSON MSG after the structured data:\n${raw}`);
  return { raw, pri: Number(header[1]), msgid: header[4] as string, sdSeq: Number(header[5]), event: JSON.parse(raw.slice(msgStart + 2)) as ExportedEvent };
}

describe(`SIEM export over TLS to a real rsyslog (${e2eDialect})`, () => {
  let dir: string;
  let pki: TestPki;
  let rsyslog: RsyslogReceiver;
  let install: E2eInstall;

  async function exported(): Promise<ExportedEvent[]> {
    const result = await install.cliOk(['audit', 'export', '--format', 'jsonl']);
    return result.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as ExportedEvent);
  }

  /** Every exported event arrived, in seq order, with the same content; returns how many arrived twice. */
  function assertAllArrived(received: ReceivedMessage[], events: ExportedEvent[]): number {
    const firstBySeq = new Map<number, ReceivedMessage>();
    const order: number[] = [];
    for (const message of received) {
      if (firstBySeq.has(message.event.seq)) continue;
      firstBySeq.set(message.event.seq, message);
      order.push(message.event.seq);
    }
    const missing = events.filter((e) => !firstBySeq.has(e.seq)).map((e) => e.seq);
    expect(missing, 'events that never reached rsyslog').toEqual([]);
    expect(order, 'events in the order rsyslog received them').toEqual(events.map((e) => e.seq));
    for (const event of events) {
      const message = firstBySeq.get(event.seq) as ReceivedMessage;
      expect(message.event, `event ${event.seq} as received`).toEqual(event);
      expect(message.sdSeq).toBe(event.seq);
      expect(message.msgid).toBe(event.action.slice(0, 32));
      expect(message.pri, `PRI of a ${event.outcome} event (facility 10)`).toBe(event.outcome === 'success' ? 85 : 84);
    }
    return received.length - firstBySeq.size;
  }

  function shippedCount(stdout: string): number {
    const match = /Shipped (\d+) audit events/.exec(stdout);
    if (!match) throw new Error(`audit ship did not say how many events it shipped:\n${stdout}`);
    return Number(match[1]);
  }

  beforeAll(async () => {
    assertRsyslogInstalled();
    dir = mkdtempSync(path.join(tmpdir(), 'castellan-siem-'));
    pki = await writeTestPki(path.join(dir, 'pki'));
    rsyslog = await createRsyslogReceiver(path.join(dir, 'rsyslog'), pki);
    await rsyslog.start();
    install = await initInstall({
      dialect: e2eDialect,
      env: { CASTELLAN_SIEM_SYSLOG_URL: rsyslog.url, CASTELLAN_SIEM_CA_FILE: pki.caFile, CASTELLAN_SIEM_INTERVAL_SECONDS: '1' },
    });
    await install.addUser('siem.one@example.com', 'Siem One', ['sales_rep'], 'SIEM Team');
  }, 120_000);

  afterAll(async () => {
    await rsyslog?.stop();
    await install?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('`castellan audit ship` sends every event over TLS, in order and complete; a second run has nothing to send', async () => {
    const events = await exported();
    expect(events.length).toBeGreaterThan(3);
    expect(events[0]?.chain.prev).toBe(GENESIS);

    const ship = await install.cliOk(['audit', 'ship']);
    expect(ship.stdout).toContain(`to ${rsyslog.url} (up to seq ${events.at(-1)?.seq})`);
    expect(shippedCount(ship.stdout)).toBe(events.length);

    const received = (await rsyslog.waitForMessages(events.length)).map(parseReceived);
    expect(assertAllArrived(received, events), 'duplicates').toBe(0);
    // The chain travels with the events: the SIEM can check that none is missing in between.
    for (let i = 1; i < received.length; i++) expect(received[i]?.event.chain.prev).toBe(received[i - 1]?.event.chain.hash);

    const again = await install.cliOk(['audit', 'ship']);
    expect(shippedCount(again.stdout)).toBe(0);
    expect(rsyslog.messages()).toHaveLength(events.length);
  }, 120_000);

  it('with the receiver down, `audit ship` fails and skips nothing; after a restart every event arrives once, in order', async () => {
    const before = await exported();
    await rsyslog.stop();
    await install.addUser('siem.two@example.com', 'Siem Two', ['sales_manager'], 'SIEM Team');
    const failed = await install.cli(['audit', 'ship']);
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/castellan: shipping audit events to tls:\/\/127\.0\.0\.1:\d+ failed after 0 event\(s\).*nothing was skipped/);
    expect(failed.stderr).toMatch(/ECONNREFUSED/);

    await rsyslog.start();
    const events = await exported();
    expect(events.length).toBeGreaterThan(before.length);
    const ship = await install.cliOk(['audit', 'ship']);
    expect(shippedCount(ship.stdout)).toBe(events.length - before.length);
    const received = (await rsyslog.waitForMessages(events.length)).map(parseReceived);
    expect(assertAllArrived(received, events), 'duplicates').toBe(0);
  }, 120_000);

  it('a running server ships in the background; a receiver that is down blocks no request, and shipping resumes where it stopped', async () => {
    const server = await install.startServer();
    const failedLogin = async () => {
      const res = await httpsJson('POST', `${server.url}/api/v1/auth/login`, {
        body: { email: 'siem.one@example.com', password: 'not the password at all' },
        timeoutMs: 5_000,
      });
      expect([401, 429]).toContain(res.status);
    };
    for (let i = 0; i < 3; i++) await failedLogin();
    let events = await exported();
    const deadline = Date.now() + 30_000;
    while (
      rsyslog
        .messages()
        .map(parseReceived)
        .filter((m) => m.event.seq === events.at(-1)?.seq).length === 0
    ) {
      if (Date.now() > deadline) throw new Error(`the server did not ship seq ${events.at(-1)?.seq} within 30 s:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assertAllArrived(rsyslog.messages().map(parseReceived), events);
    expect(events.some((e) => e.action === 'auth.login.failed')).toBe(true);

    await rsyslog.stop();
    // Requests go on while the receiver is down: before the job has noticed, and after it has failed
    // and is backing off (waited for in its log, not by a sleep). Each answers (a blocked request
    // would time out in failedLogin); how fast is not asserted.
    await failedLogin();
    const failed = Date.now() + 30_000;
    while (!/SIEM shipping failed; will retry from the same event/.test(server.output())) {
      if (Date.now() > failed) throw new Error(`the server never reported the receiver down:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100)); // polling for a message that must come
    }
    for (let i = 0; i < 3; i++) await failedLogin();
    expect((await httpsJson('GET', `${server.url}/healthz`)).status).toBe(200);

    await rsyslog.start();
    events = await exported();
    const last = events.at(-1)?.seq;
    const until = Date.now() + 60_000;
    while (!rsyslog.messages().some((m) => parseReceived(m).event.seq === last)) {
      if (Date.now() > until) throw new Error(`the server did not resume shipping up to seq ${last} within 60 s:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // At least once: a batch whose clean close was not seen may be sent again (de-duplicated by seq above); none may be missing.
    assertAllArrived(rsyslog.messages().map(parseReceived), events);
    expect(server.output()).toMatch(/SIEM shipping resumed/);

    const stopped = await server.stop();
    expect(stopped.forced).toBe(false);
  }, 180_000);
});
