/**
 * A REAL SFTP server for the backup target tests: Debian's OpenSSH `sshd` (package openssh-server;
 * CI installs it) in the foreground on a free loopback port, with its own configuration, host key,
 * authorised user key and pid file in a temp dir, serving `internal-sftp`. It never reads the
 * system's /etc/ssh configuration or keys. It logs in as the user running the tests (root here).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { canConnect } from './ports.js';
import { freePort } from './server-process.js';

export const SSHD = '/usr/sbin/sshd';

/** Fails — never skips — when sshd or ssh-keygen is missing. */
export function assertSshdInstalled(): void {
  const missing = [SSHD, '/usr/bin/ssh-keygen'].filter((f) => !existsSync(f));
  if (missing.length)
    throw new Error(`the SFTP tests need a real OpenSSH server, but ${missing.join(' and ')} is missing: run \`apt-get install -y openssh-server\``);
}

export interface SftpServer {
  /** `sftp://<user>@127.0.0.1:<port><root>`, as CASTELLAN_BACKUP_SFTP_URL takes it. */
  url: string;
  host: string;
  port: number;
  username: string;
  /** The user's private key (unencrypted OpenSSH format). */
  keyFile: string;
  /** The host key's fingerprint, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** The folder the backups go to, on this machine (the same path the server serves). */
  root: string;
  /** Kills the sessions sshd forked (the connections drop) but keeps it listening. */
  killSessions(): Promise<void>;
  /** Kills sshd and every session it forked, and waits for them. Idempotent. */
  stop(): Promise<void>;
  /** Stops, then removes the temp dir. */
  cleanup(): Promise<void>;
  running(): boolean;
  /** What sshd wrote (-e: its log on stderr), for failure messages. */
  output(): string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The processes below `pid` (sshd forks one, which calls setsid, per connection): read from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}

/** Running, and not a zombie waiting for a parent to reap it (a killed session's children may be reparented to an init that never does). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

export interface SftpServerOptions {
  /** SFTP requests the server refuses (internal-sftp -P), as `/usr/lib/openssh/sftp-server -Q requests` names them, e.g. `posix-rename`. */
  deniedRequests?: string[];
}

/** Starts sshd and waits until its port answers. */
export async function startSftpServer(options: SftpServerOptions = {}): Promise<SftpServer> {
  assertSshdInstalled();
  const dir = mkdtempSync(path.join(tmpdir(), 'castellan-sshd-'));
  const root = path.join(dir, 'backups');
  mkdirSync(root, { mode: 0o700 });
  // sshd refuses to start without its privilege-separation folder.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = path.join(dir, 'host_ed25519_key');
  const keyFile = path.join(dir, 'user_ed25519_key');
  for (const [file, comment] of [
    [hostKey, 'castellan-test-host'],
    [keyFile, 'castellan-test-user'],
  ] as const)
    execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
  const hostKeyFingerprint = (execFileSync('/usr/bin/ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1] ??
    '') as string;
  if (!/^SHA256:/.test(hostKeyFingerprint)) throw new Error(`ssh-keygen -lf printed no SHA256 fingerprint for ${hostKey}.pub`);
  const authorizedKeys = path.join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${keyFile}.pub`), { mode: 0o600 });
  const port = await freePort();
  const username = userInfo().username;
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    `# Castellan SFTP test server (generated)
ListenAddress 127.0.0.1:${port}
HostKey ${hostKey}
PidFile ${path.join(dir, 'sshd.pid')}
AuthorizedKeysFile ${authorizedKeys}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers ${username}
StrictModes no
UsePAM no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTTY no
LogLevel VERBOSE
Subsystem sftp internal-sftp -l VERBOSE${options.deniedRequests?.length ? ` -P ${options.deniedRequests.join(',')}` : ''}
`,
  );
  execFileSync(SSHD, ['-t', '-f', config], { stdio: 'pipe' });
  let output = '';
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid as number;
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const killSessions = async () => {
    const sessions = descendants(pid);
    for (const p of sessions) if (alive(p)) process.kill(p, 'SIGKILL');
    for (let i = 0; i < 100 && sessions.some(alive); i += 1) await sleep(20);
  };
  const stop = async () => {
    const sessions = running() ? descendants(pid) : [];
    if (running()) child.kill('SIGTERM');
    for (const p of sessions) if (alive(p)) process.kill(p, 'SIGKILL');
    const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
    for (let i = 0; i < 100 && sessions.some(alive); i += 1) await sleep(20);
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (!running()) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd exited at start (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not listen on 127.0.0.1:${port} within 15 s:\n${output}`);
    }
    await sleep(50);
  }
  return {
    url: `sftp://${username}@127.0.0.1:${port}${root}`,
    host: '127.0.0.1',
    port,
    username,
    keyFile,
    hostKeyFingerprint,
    root,
    stop,
    killSessions,
    running,
    output: () => output,
    async cleanup() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
