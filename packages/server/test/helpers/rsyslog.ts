/**
 * A REAL rsyslog receiver for the SIEM tests: Debian's `rsyslogd` with the GnuTLS stream driver
 * (packages `rsyslog`, `rsyslog-gnutls`; CI installs them), listening with TLS on a free loopback
 * port and writing every message it receives, raw, one per line, to a file. It runs with its own
 * configuration, work directory and pid file in a temp dir, so it never touches the system's syslog.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';
import { canConnect } from './ports.js';
import { freePort } from './server-process.js';

export const RSYSLOGD = '/usr/sbin/rsyslogd';

function gtlsDriverInstalled(): boolean {
  const dirs = [
    '/usr/lib/rsyslog',
    ...readdirSync('/usr/lib', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => path.join('/usr/lib', d.name, 'rsyslog')),
  ];
  return dirs.some((dir) => existsSync(path.join(dir, 'lmnsd_gtls.so')));
}

/** Fails — never skips — when rsyslogd or its GnuTLS driver is missing. */
export function assertRsyslogInstalled(): void {
  const missing = [
    existsSync(RSYSLOGD) ? undefined : `${RSYSLOGD} (package rsyslog)`,
    gtlsDriverInstalled() ? undefined : 'the GnuTLS stream driver lmnsd_gtls.so (package rsyslog-gnutls)',
  ].filter(Boolean);
  if (missing.length) {
    throw new Error(
      `the SIEM tests need a real rsyslog receiver, but ${missing.join(' and ')} is missing: run \`apt-get install -y rsyslog rsyslog-gnutls\` (CI's .ci/run installs them)`,
    );
  }
}

export interface TestPki {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A CA and a server certificate it signs, for 127.0.0.1 and localhost. */
export async function writeTestPki(dir: string): Promise<TestPki> {
  mkdirSync(dir, { recursive: true });
  const notAfterDate = new Date(Date.now() + 2 * 86_400_000);
  const ca = await generate([{ name: 'commonName', value: 'Castellan test SIEM CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const pki = { caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'server-cert.pem'), keyFile: path.join(dir, 'server-key.pem') };
  writeFileSync(pki.caFile, ca.cert);
  writeFileSync(pki.certFile, server.cert);
  writeFileSync(pki.keyFile, server.private, { mode: 0o600 });
  return pki;
}

export interface RsyslogReceiver {
  port: number;
  /** `tls://127.0.0.1:<port>` */
  url: string;
  /** The file the raw messages are written to, one per line. */
  outputFile: string;
  /** Raw messages received so far. */
  messages(): string[];
  /** Waits until `count` messages (or more) have arrived. */
  waitForMessages(count: number, timeoutMs?: number): Promise<string[]>;
  start(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  running(): boolean;
  /** What rsyslogd wrote to stdout / stderr (for failure messages). */
  output(): string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An rsyslog receiver (not started yet) in `dir`, with TLS from `pki`, on a free loopback port. */
export async function createRsyslogReceiver(dir: string, pki: TestPki): Promise<RsyslogReceiver> {
  assertRsyslogInstalled();
  const port = await freePort();
  const workDir = path.join(dir, 'work');
  mkdirSync(workDir, { recursive: true });
  const outputFile = path.join(dir, 'received.log');
  const conf = path.join(dir, 'rsyslog.conf');
  const pidFile = path.join(dir, 'rsyslogd.pid');
  writeFileSync(
    conf,
    `# Castellan SIEM test receiver (generated)
global(
  workDirectory="${workDir}"
  maxMessageSize="256k"
  defaultNetstreamDriver="gtls"
  defaultNetstreamDriverCAFile="${pki.caFile}"
  defaultNetstreamDriverCertFile="${pki.certFile}"
  defaultNetstreamDriverKeyFile="${pki.keyFile}"
)
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
template(name="raw" type="string" string="%rawmsg%\\n")
ruleset(name="siem") {
  action(type="omfile" file="${outputFile}" template="raw" flushOnTXEnd="on" asyncWriting="off")
}
input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="siem")
`,
  );
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;
  let output = '';

  const messages = (): string[] =>
    existsSync(outputFile)
      ? readFileSync(outputFile, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
      : [];

  const receiver: RsyslogReceiver = {
    port,
    url: `tls://127.0.0.1:${port}`,
    outputFile,
    messages,
    output: () => output,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    async waitForMessages(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const received = messages();
        if (received.length >= count) return received;
        if (Date.now() > deadline)
          throw new Error(`rsyslog received ${received.length} of ${count} messages within ${timeoutMs} ms\nrsyslogd output:\n${output}`);
        await sleep(100);
      }
    },
    async start() {
      if (receiver.running()) throw new Error('rsyslogd is already running');
      const started = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', pidFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      started.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      started.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      exited = new Promise((resolve) => started.once('close', () => resolve()));
      const deadline = Date.now() + 15_000;
      for (;;) {
        if (!receiver.running()) throw new Error(`rsyslogd exited at start (${started.exitCode ?? started.signalCode}):\n${output}`);
        if (await canConnect(port)) return;
        if (Date.now() > deadline) {
          started.kill('SIGKILL');
          throw new Error(`rsyslogd did not listen on 127.0.0.1:${port} within 15 s:\n${output}`);
        }
        await sleep(50);
      }
    },
    async stop() {
      if (!child || !receiver.running()) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited?.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  return receiver;
}
