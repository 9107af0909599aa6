/**
 * End-to-end helpers: drive the REAL, built CLI (`node packages/server/dist/main.js`) as a child
 * process against a temporary data directory, exactly as an operator would.
 *
 *   initInstall({ dialect })  `castellan init --admin-email … --admin-password-file …` in a fresh temp dir
 *                             (PostgreSQL: a scratch database, CASTELLAN_DATABASE_URL for the application
 *                             role and CASTELLAN_DATABASE_OWNER_URL for the owner role)
 *   runCli(args, env)         one CLI verb → { code, signal, stdout, stderr }
 *   startServer(env)          `castellan serve --port <free port>`, waits for GET /healthz over HTTPS,
 *                             captures stdout + stderr (string and log file); stop() / kill9()
 *   httpsJson(method, url)    a tiny HTTPS client that accepts the self-signed certificate
 *
 * The tests assume `npm run build` was run (`npm test` does it); `assertBuilt()` fails clearly if not.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, type WriteStream, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createScratchPostgres, type ScratchPostgres } from './databases.js';

export const CLI_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const E2E_ADMIN_EMAIL = 'admin@castellan-e2e.test';
export const E2E_ADMIN_PASSWORD = 'e2e saffron keystone, long enough 1';
export const E2E_USER_PASSWORD = 'e2e willow compass, long enough 1';

/** Fails with a clear message when the server has not been compiled. */
export function assertBuilt(): void {
  if (!existsSync(CLI_MAIN)) {
    throw new Error(`${CLI_MAIN} is missing: run \`npm run build\` first (\`npm test\` builds before it runs the suite)`);
  }
}

// ---- environment --------------------------------------------------------------------------

/** The child sees the parent's environment minus every CASTELLAN_* setting, plus `env`. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('CASTELLAN_')) base[key] = value;
  }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

// ---- one CLI verb -----------------------------------------------------------------------

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the verb did not finish in time and was killed. */
  timedOut: boolean;
}

/** Runs `castellan <args>` to completion (killed after `timeoutMs`). */
export function runCli(args: string[], env: Record<string, string | undefined>, options: { timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  assertBuilt();
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      env: childEnv(env),
      cwd: options.cwd ?? (env.CASTELLAN_DATA_DIR ? path.dirname(env.CASTELLAN_DATA_DIR) : REPO_ROOT),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Like runCli, but throws (with the output) unless the verb exits 0. */
export async function runCliOk(args: string[], env: Record<string, string | undefined>, options: { timeoutMs?: number } = {}): Promise<CliResult> {
  const result = await runCli(args, env, options);
  if (result.code !== 0) {
    throw new Error(
      `castellan ${args.join(' ')} exited ${result.code ?? result.signal}${result.timedOut ? ' (timed out)' : ''}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return result;
}

// ---- an installation in a temp dir --------------------------------------------------------

export interface E2eInstall {
  dialect: 'sqlite' | 'postgres';
  /** The temp dir that holds everything this install leaves behind (data dir, password files, logs). */
  root: string;
  dataDir: string;
  /** CASTELLAN_* environment every verb of this install runs with. */
  env: Record<string, string>;
  /** PostgreSQL: the scratch database (application and owner roles); undefined on SQLite. */
  postgres?: ScratchPostgres;
  /** Output of `castellan init`. */
  init: CliResult;
  /** Every CLI result of this install (for log greps). */
  cliOutputs: CliResult[];
  /** Writes a secret file (mode 0600) in the temp dir and returns its path. */
  secretFile(name: string, content: string): string;
  /** Runs a verb with this install's environment (plus `extra`), recording its output. */
  cli(args: string[], extra?: Record<string, string | undefined>, options?: { timeoutMs?: number }): Promise<CliResult>;
  /** As cli(), but throws unless it exits 0. */
  cliOk(args: string[], extra?: Record<string, string | undefined>, options?: { timeoutMs?: number }): Promise<CliResult>;
  /** `user add` with a password file; returns the e-mail and the new user's id (from stdout). */
  addUser(email: string, name: string, roles: string[], team?: string): Promise<{ email: string; id: string }>;
  /** `token create --user E --integration e2e [--scopes S] [--expires-days N]`: the token is the only line on stdout. */
  createToken(email: string, options?: { scopes?: string[]; expiresDays?: number }): Promise<string>;
  /** Starts `castellan serve` for this install. */
  startServer(extra?: Record<string, string | undefined>): Promise<ServerProcess>;
  /** Stops every server it started, drops the scratch database, removes the temp dir. */
  cleanup(): Promise<void>;
}

/** A fresh temp dir initialised by the real `castellan init` (a scratch PostgreSQL database when asked). */
export async function initInstall(
  options: {
    dialect?: 'sqlite' | 'postgres';
    env?: Record<string, string>;
    /** Without --admin-password-file: init prints a one-time password (in `init.stdout`; see firstAdminPassword). */
    oneTimeAdminPassword?: boolean;
  } = {},
): Promise<E2eInstall> {
  assertBuilt();
  const dialect = options.dialect ?? 'sqlite';
  const root = mkdtempSync(path.join(tmpdir(), 'castellan-e2e-'));
  const dataDir = path.join(root, 'data');
  const pgDb = dialect === 'postgres' ? await createScratchPostgres() : undefined;
  const env: Record<string, string> = {
    CASTELLAN_DATA_DIR: dataDir,
    CASTELLAN_HOST: '127.0.0.1',
    ...(pgDb ? { CASTELLAN_DATABASE_URL: pgDb.url, CASTELLAN_DATABASE_OWNER_URL: pgDb.ownerUrl } : {}),
    ...options.env,
  };
  const servers: ServerProcess[] = [];
  const cliOutputs: CliResult[] = [];
  let logCounter = 0;

  const secretFile = (name: string, content: string): string => {
    const file = path.join(root, name);
    writeFileSync(file, `${content}\n`, { mode: 0o600 });
    return file;
  };
  const cli = async (args: string[], extra: Record<string, string | undefined> = {}, opts: { timeoutMs?: number } = {}) => {
    const result = await runCli(args, { ...env, ...extra }, opts);
    cliOutputs.push(result);
    return result;
  };
  const cliOk = async (args: string[], extra: Record<string, string | undefined> = {}, opts: { timeoutMs?: number } = {}) => {
    const result = await runCliOk(args, { ...env, ...extra }, opts);
    cliOutputs.push(result);
    return result;
  };

  let init: CliResult;
  try {
    init = options.oneTimeAdminPassword
      ? await cliOk(['init', '--admin-email', E2E_ADMIN_EMAIL])
      : await cliOk(['init', '--admin-email', E2E_ADMIN_EMAIL, '--admin-password-file', secretFile('admin-password.txt', E2E_ADMIN_PASSWORD)]);
  } catch (error) {
    await pgDb?.drop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  return {
    dialect,
    root,
    dataDir,
    env,
    postgres: pgDb,
    init,
    cliOutputs,
    secretFile,
    cli,
    cliOk,
    async addUser(email, name, roles, team) {
      const file = secretFile(`password-${randomBytes(4).toString('hex')}.txt`, E2E_USER_PASSWORD);
      const result = await cliOk([
        'user',
        'add',
        '--email',
        email,
        '--name',
        name,
        '--role',
        roles.join(','),
        ...(team ? ['--team', team] : []),
        '--password-file',
        file,
      ]);
      const id = /Added user ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
      if (!id) throw new Error(`user add did not print the new user's id:\n${result.stdout}`);
      return { email, id };
    },
    async createToken(email, tokenOptions = {}) {
      const result = await cliOk([
        'token',
        'create',
        '--user',
        email,
        '--integration',
        'e2e',
        ...(tokenOptions.scopes ? ['--scopes', tokenOptions.scopes.join(',')] : []),
        ...(tokenOptions.expiresDays ? ['--expires-days', String(tokenOptions.expiresDays)] : []),
      ]);
      const lines = result.stdout.split('\n').filter((l) => l.trim() !== '');
      if (lines.length !== 1 || !lines[0]) throw new Error(`token create should print exactly the token on stdout, got:\n${result.stdout}`);
      return lines[0].trim();
    },
    async startServer(extra = {}) {
      logCounter += 1;
      const server = await startServer({ ...env, ...extra }, { logFile: path.join(root, `server-${logCounter}.log`) });
      servers.push(server);
      return server;
    },
    async cleanup() {
      for (const server of servers) await server.stop().catch(() => undefined);
      await pgDb?.drop().catch(() => undefined);
      keepServerLogs(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * CASTELLAN_TEST_KEEP_LOGS=DIR: the servers' logs of every install are copied to DIR before the install
 * is removed (to read why a request was slow or refused after a run; the logs carry no personal value).
 */
function keepServerLogs(root: string): void {
  const dir = process.env.CASTELLAN_TEST_KEEP_LOGS;
  if (!dir || !existsSync(root)) return;
  mkdirSync(dir, { recursive: true });
  cpSync(root, path.join(dir, path.basename(root)), { recursive: true, filter: (from) => from === root || from.endsWith('.log') });
}

/** The one-time password `castellan init` printed for the first administrator (initInstall({ oneTimeAdminPassword: true })). */
export function firstAdminPassword(init: CliResult): string {
  const password = /One-time password:\s+(\S+)/.exec(init.stdout)?.[1];
  if (!password) throw new Error(`castellan init printed no one-time password:\n${init.stdout}`);
  return password;
}

// ---- a running server --------------------------------------------------------------------

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Where stdout + stderr are also written. */
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<ServerExit>;
  /** SIGTERM, then waits (SIGKILL after `graceMs`; `forced` says whether that was needed). */
  stop(graceMs?: number): Promise<ServerExit & { forced: boolean }>;
  /** SIGKILL at once (kill -9) and wait for the exit. */
  kill9(): Promise<ServerExit>;
}

/** A port nobody listens on right now (listen on 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerOptions {
  logFile?: string;
  readyTimeoutMs?: number;
  host?: string;
  /** `serve` (default) or `start` (initialises a new data dir first, then serves). */
  verb?: 'serve' | 'start';
  /** More arguments after the verb (e.g. `--demo`). */
  args?: string[];
}

/**
 * Spawns `castellan serve --port <free port>` (or `start`) with `env` and waits until GET /healthz answers 200.
 * Rejects (with the captured output) if the process exits first or is not ready in time.
 */
export async function startServer(env: Record<string, string | undefined>, options: ServerOptions = {}): Promise<ServerProcess> {
  assertBuilt();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startOnce(env, options);
    } catch (error) {
      lastError = error;
      // Another process may have taken the probed port between probe and listen: try a new one.
      if (!/EADDRINUSE/.test(String((error as Error).message))) throw error;
    }
  }
  throw lastError;
}

async function startOnce(env: Record<string, string | undefined>, options: ServerOptions): Promise<ServerProcess> {
  const host = options.host ?? env.CASTELLAN_HOST ?? '127.0.0.1';
  const port = await freePort(host);
  const logFile = options.logFile ?? path.join(mkdtempSync(path.join(tmpdir(), 'castellan-e2e-log-')), 'server.log');
  const log: WriteStream = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  const child = spawn(process.execPath, [CLI_MAIN, options.verb ?? 'serve', ...(options.args ?? []), '--port', String(port), '--host', host], {
    // No scheduled backups or drills in a test server unless a test asks (the scheduler has its own tests).
    env: childEnv({ CASTELLAN_BACKUP_EVERY_HOURS: '0', CASTELLAN_BACKUP_DRILL_EVERY_DAYS: '0', ...env }),
    cwd: env.CASTELLAN_DATA_DIR ? path.dirname(env.CASTELLAN_DATA_DIR) : REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let captured = '';
  const onData = (chunk: Buffer) => {
    captured += chunk.toString('utf8');
    log.write(chunk);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<ServerExit>((resolve) => {
    child.on('close', (code, signal) => {
      log.end();
      resolve({ code, signal });
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (hasExited) {
      const exit = await exited;
      throw new Error(`castellan serve exited (${exit.code ?? exit.signal}) before it was ready:\n${captured}`);
    }
    try {
      const health = await httpsJson('GET', `${url}/healthz`, { timeoutMs: 2_000 });
      if (health.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`castellan serve was not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${captured}`);
    }
    await sleep(100);
  }

  const waitExit = async (ms: number): Promise<ServerExit | undefined> => Promise.race([exited, sleep(ms).then(() => undefined)]);

  return {
    url,
    port,
    pid: child.pid ?? -1,
    child,
    logFile,
    exited,
    output: () => captured,
    async stop(graceMs = 15_000) {
      if (hasExited) return { ...(await exited), forced: false };
      child.kill('SIGTERM');
      const exit = await waitExit(graceMs);
      if (exit) return { ...exit, forced: false };
      child.kill('SIGKILL');
      return { ...(await exited), forced: true };
    },
    async kill9() {
      if (!hasExited) child.kill('SIGKILL');
      return exited;
    },
  };
}

// ---- HTTPS client -----------------------------------------------------------------------

export interface HttpsResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text. */
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: T;
}

export interface HttpsOptions {
  headers?: Record<string, string>;
  /** Serialised as JSON (content-type application/json) unless `rawBody` is given. */
  body?: unknown;
  /** Sent as is (set content-type yourself). */
  rawBody?: string | Buffer;
  /** Send the body with chunked transfer encoding (no content-length), in 64 KiB writes. */
  chunked?: boolean;
  /** Bearer token shortcut. */
  token?: string;
  timeoutMs?: number;
  agent?: https.Agent;
}

/** A non-keep-alive agent that accepts the self-signed certificate (no socket reuse across restarts). */
export const insecureAgent = new https.Agent({ keepAlive: false, rejectUnauthorized: false });

/** One HTTPS request; resolves with status, headers, text and parsed JSON body. */
export function httpsJson<T = any>(method: string, url: string, options: HttpsOptions = {}): Promise<HttpsResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: Buffer | undefined;
  if (options.rawBody !== undefined) payload = Buffer.isBuffer(options.rawBody) ? options.rawBody : Buffer.from(options.rawBody, 'utf8');
  else if (options.body !== undefined) {
    payload = Buffer.from(JSON.stringify(options.body), 'utf8');
    headers['content-type'] ??= 'application/json';
  }
  if (payload && !options.chunked) headers['content-length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method, headers, agent: options.agent ?? insecureAgent, rejectUnauthorized: false, timeout: options.timeoutMs ?? 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: any;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${url} timed out`)));
    request.on('error', reject);
    if (payload && options.chunked) {
      for (let at = 0; at < payload.length; at += 65_536) request.write(payload.subarray(at, at + 65_536));
    } else if (payload) request.write(payload);
    request.end();
  });
}

/**
 * One request over a raw TLS socket that keeps reading while it writes, and ignores write errors
 * once the server has answered. For oversized bodies: a server may answer 413 from the
 * content-length alone and close the connection mid-upload, which makes node:https report EPIPE
 * instead of the response it already received.
 */
export function rawHttpsRequest<T = any>(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; token?: string; body: string | Buffer; chunked?: boolean; timeoutMs?: number },
): Promise<HttpsResponse<T>> {
  const target = new URL(url);
  const payload = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  const headers: Record<string, string> = {
    host: target.host,
    accept: 'application/json',
    connection: 'close',
    ...options.headers,
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(payload.length) }),
  };
  const head = `${method} ${target.pathname}${target.search} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = tls.connect({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port),
      servername: 'localhost',
      rejectUnauthorized: false,
    });
    const finish = (error?: Error) => {
      if (settled) return;
      const parsed = parseHttpResponse<T>(Buffer.concat(chunks));
      if (parsed) {
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(parsed);
      } else if (error) {
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      }
    };
    const timer = setTimeout(() => finish(new Error(`${method} ${url} timed out`)), options.timeoutMs ?? 30_000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      finish();
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error(`${method} ${url}: connection closed without a complete response`)));
    socket.once('secureConnect', async () => {
      try {
        const write = (data: Buffer | string) =>
          new Promise<void>((done, fail) => {
            if (settled || socket.destroyed) return done();
            socket.write(data, (error) => (error ? fail(error) : done()));
          });
        await write(head);
        for (let at = 0; at < payload.length && !settled; at += 65_536) {
          const part = payload.subarray(at, at + 65_536);
          await write(options.chunked ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]) : part);
        }
        if (options.chunked) await write('0\r\n\r\n');
      } catch {
        /* the server stopped reading: its answer (if any) arrives on 'data' */
      }
    });
  });
}

/** Parses one complete HTTP/1.1 response (content-length or chunked); undefined while incomplete. */
function parseHttpResponse<T>(raw: Buffer): HttpsResponse<T> | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
  const headers: Record<string, string | string[] | undefined> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prior = headers[key];
    headers[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  let rest = raw.subarray(end + 4);
  let bodyBytes: Buffer;
  if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) return undefined;
      if (size === 0) break;
      if (rest.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    bodyBytes = Buffer.concat(parts);
  } else {
    const length = Number(headers['content-length'] ?? 0);
    if (rest.length < length) return undefined;
    bodyBytes = rest.subarray(0, length);
  }
  const text = bodyBytes.toString('utf8');
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status, headers, text, body };
}
