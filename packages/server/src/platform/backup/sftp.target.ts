import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type SftpClient from 'ssh2-sftp-client';
import { type BackupTarget, TargetMissingError } from './backup-target.js';
import { HostKeyRefused, type SftpSession, type SftpSettings, sftpConnection } from './sftp-connection.js';

export type { SftpSettings } from './sftp-connection.js';

const posix = path.posix;
/** SFTP status 2 (no such file) as ssh2 reports it, and as ssh2-sftp-client rewrites it. */
const missing = (error: unknown) => [2, 'ENOENT'].includes((error as { code?: unknown }).code as never);
/** An answer of the server about a file (a status code): the session itself is still good. */
const fileLevel = (error: unknown) => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' || code === 'ENOENT' || code === 'ERR_BAD_PATH' || error instanceof TargetMissingError;
};

const fsyncFile = (sftp: SFTPWrapper, file: string) =>
  new Promise<void>((resolve, reject) => {
    sftp.open(file, 'r', (openError, handle) => {
      if (openError) return reject(openError);
      sftp.ext_openssh_fsync(handle, (syncError) =>
        sftp.close(handle, (closeError) => (syncError || closeError ? reject(syncError ?? closeError) : resolve())),
      );
    });
  });

async function makeFolder(client: SftpClient, folder: string): Promise<void> {
  try {
    await client.mkdir(folder, true);
  } catch (error) {
    // Another put made it meanwhile.
    if ((await client.exists(folder)) !== 'd') throw error;
  }
}

/**
 * A folder on an SFTP server (ssh2-sftp-client over one reused SSH connection). The server must
 * present the pinned host key; any other is refused before anything is sent, and without a pinned
 * fingerprint there is no connection at all (never trust on first use). Each file is written to a
 * temporary `<path>.<random>.partial`, flushed (fsync@openssh.com when offered), then renamed over
 * the final name (posix-rename@openssh.com when offered, else remove and rename).
 */
export function sftpTarget(name: string, settings: SftpSettings): BackupTarget & { close(): Promise<void> } {
  const root = posix.normalize(settings.root).replace(/(.)\/+$/, '$1');
  if (!posix.isAbsolute(root)) throw new Error(`target ${name}: the SFTP folder must be an absolute path`);
  const full = (p: string) => {
    const resolved = posix.resolve(root, p);
    if (p.includes('\0') || (resolved !== root && !resolved.startsWith(root === '/' ? '/' : `${root}/`))) throw new Error(`path ${p} leaves the backup folder`);
    return resolved;
  };
  const connection = sftpConnection(name, settings);
  const extensions = new WeakMap<SftpSession, { posixRename: boolean }>();

  /**
   * Runs one operation on the shared session. An error that is not about a file drops the session;
   * the operation (each is idempotent) is then tried once more on a new connection, so a session the
   * server cut since the last call (its end not yet seen) costs a reconnect, not a failure.
   */
  async function run<T>(work: (session: SftpSession) => Promise<T>, retry = true): Promise<T> {
    const session = await connection.session();
    try {
      return await work(session);
    } catch (error) {
      const sessionLost = !session.alive || !fileLevel(error);
      if (sessionLost) connection.drop(session);
      if (sessionLost && retry && !(error instanceof HostKeyRefused)) return run(work, false);
      throw error;
    }
  }

  async function replace(session: SftpSession, from: string, to: string): Promise<void> {
    const offered = extensions.get(session) ?? { posixRename: true };
    extensions.set(session, offered);
    let refused = false;
    if (offered.posixRename) {
      try {
        await session.client.posixRename(from, to);
        return;
      } catch (error) {
        // Not offered, or offered but refused (sftp-server -P): fall back to a plain rename.
        if (!/does not support/.test((error as Error).message) && !fileLevel(error)) throw error;
        refused = true;
      }
    }
    try {
      await session.client.rename(from, to);
    } catch (error) {
      // SFTP v3 rename refuses an existing name: remove it, then rename.
      if ((await session.client.exists(to)) === false) throw error;
      await session.client.delete(to, true);
      await session.client.rename(from, to);
    }
    // The plain rename worked where posix-rename did not: do not ask for it again on this session.
    if (refused) offered.posixRename = false;
  }

  return {
    name,
    kind: 'sftp',
    appendOnly: false,
    async put(p, bytes) {
      const file = full(p);
      if (file === root) throw new Error(`path ${p} is the backup folder itself`);
      const temporary = `${file}.${randomBytes(6).toString('hex')}.partial`;
      await run(async (session) => {
        const write = () => session.client.put(bytes, temporary, { writeStreamOptions: { mode: 0o600 } });
        try {
          await write();
        } catch (error) {
          if (!missing(error)) throw error;
          await makeFolder(session.client, posix.dirname(file));
          await write();
        }
        try {
          await fsyncFile(session.sftp, temporary).catch((error: Error) => {
            if (!/does not support/.test(error.message)) throw error;
          });
          await replace(session, temporary, file);
        } catch (error) {
          if (session.alive) await session.client.delete(temporary, true).catch(() => undefined);
          throw error;
        }
      });
    },
    async get(p) {
      const file = full(p);
      return run(async (session) => {
        try {
          const got = await session.client.get(file);
          // The library hands back an empty array, not a Buffer, for an empty file.
          return Buffer.isBuffer(got) ? got : Buffer.alloc(0);
        } catch (error) {
          if (missing(error)) throw new TargetMissingError(`${p} is missing from target ${name}`);
          throw error;
        }
      });
    },
    async list(prefix) {
      const folder = full(prefix);
      return run(async (session) => {
        if ((await session.client.exists(folder)) !== 'd') return [];
        const entries = await session.client.list(folder);
        return entries
          .filter((e) => e.name !== '.' && e.name !== '..' && !e.name.endsWith('.partial'))
          .map((e) => (e.type === 'd' ? `${e.name}/` : e.name))
          .sort();
      });
    },
    async exists(p) {
      const file = full(p);
      return run(async (session) => (await session.client.exists(file)) !== false);
    },
    async remove(p) {
      const file = full(p);
      await run(async (session) => {
        const type = await session.client.exists(file);
        if (type === 'd') await session.client.rmdir(file, true);
        else if (type !== false) await session.client.delete(file, true);
      });
    },
    /** Closes the connection (the CLI at exit, tests); a later operation opens a new one. */
    close: () => connection.close(),
  };
}
