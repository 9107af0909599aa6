import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';

/** Where an SFTP target writes: the server, the login, the folder on it, and the pinned host key. */
export interface SftpSettings {
  host: string;
  port: number;
  username: string;
  /** The absolute folder on the server every backup path is relative to. */
  root: string;
  /** The private key this host logs in with (OpenSSH or PEM format, unencrypted). */
  keyFile: string;
  /** The server's host key fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it. No fingerprint: no connection. */
  hostKeyFingerprint: string;
  /** A login password, for a server that asks for one (alone or after the key). A secret. */
  password: string | null;
}

/** The fingerprint `ssh-keygen -lf` prints for a host key in SSH wire format. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export class HostKeyRefused extends Error {}

export interface SftpSession {
  client: SftpClient;
  sftp: SFTPWrapper;
  /** False once the connection ended or failed: the next operation opens a new one. */
  alive: boolean;
}

const pinnedFingerprint = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

async function openSession(name: string, settings: SftpSettings): Promise<SftpSession> {
  const where = `${settings.host}:${settings.port}`;
  if (!pinnedFingerprint.test(settings.hostKeyFingerprint ?? ''))
    throw new HostKeyRefused(`target ${name}: no pinned host key fingerprint for ${where} (SHA256:… as ssh-keygen -lf prints it): refusing to connect`);
  const pinned = settings.hostKeyFingerprint.replace(/=+$/, '');
  let privateKey: Buffer;
  try {
    privateKey = readFileSync(settings.keyFile);
  } catch (error) {
    throw new Error(`target ${name}: cannot read the private key file ${settings.keyFile} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const session = { alive: true } as SftpSession;
  const dead = () => {
    session.alive = false;
  };
  // Our own callbacks: the library's defaults write to the console.
  const client = new SftpClient(name, { error: dead, end: dead, close: dead });
  client.on('close', dead);
  client.on('end', dead);
  let presented: string | undefined;
  try {
    session.sftp = await client.connect({
      host: settings.host,
      port: settings.port,
      username: settings.username,
      privateKey,
      ...(settings.password ? { password: settings.password } : {}),
      hostVerifier: (key: Buffer) => {
        presented = hostKeyFingerprint(key);
        return presented === pinned;
      },
      readyTimeout: 15_000,
    });
  } catch (error) {
    privateKey.fill(0);
    await client.end().catch(() => undefined);
    if (presented !== undefined && presented !== pinned)
      throw new HostKeyRefused(`target ${name}: the SFTP server ${where} presented host key ${presented}, not the pinned one: refused`);
    throw new Error(`target ${name}: cannot open an SFTP session on ${where}: ${(error as Error).message}`);
  }
  privateKey.fill(0);
  session.client = client;
  return session;
}

/** One SFTP connection, opened on first use, reused, and opened again after it failed or ended. */
export function sftpConnection(name: string, settings: SftpSettings) {
  interface Opening {
    promise: Promise<SftpSession>;
    session?: SftpSession;
  }
  let opening: Opening | undefined;
  const end = (session: SftpSession) =>
    // Bounded: a connection whose peer is gone may never confirm the end.
    Promise.race([session.client.end(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]).catch(() => undefined);
  /** Forgets a session (after an error on it); the next operation connects again. */
  const drop = (session: SftpSession): void => {
    session.alive = false;
    if (opening?.session === session) opening = undefined;
    void end(session);
  };
  const session = async (): Promise<SftpSession> => {
    if (!opening) {
      const state: Opening = { promise: openSession(name, settings) };
      opening = state;
      state.promise.then(
        (s: SftpSession) => {
          state.session = s;
        },
        () => {
          if (opening === state) opening = undefined;
        },
      );
    }
    const current = await opening.promise;
    if (current.alive) return current;
    drop(current);
    return session();
  };
  return {
    session,
    drop,
    async close(): Promise<void> {
      const state = opening;
      opening = undefined;
      const current = await state?.promise.catch(() => undefined);
      if (!current) return;
      current.alive = false;
      await end(current);
    },
  };
}
