import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SeenRequest {
  method: string;
  /** The request target as sent: path-style requests start with `/<bucket>/`. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The response status, once the response is sent. */
  status: number | null;
}

export interface S3TestServer {
  /** Path-style endpoint: http://127.0.0.1:PORT. */
  endpoint: string;
  /** Virtual-host endpoint: http://s3.localhost:PORT, where `<bucket>.s3.localhost` names the bucket (those names resolve only with a lookup of your own). */
  vhostEndpoint: string;
  port: number;
  bucket: string;
  accessKeyId: 'S3RVER';
  secretAccessKey: 'S3RVER';
  /** Every request the server has received so far, in order. */
  requests(): Promise<SeenRequest[]>;
  /** Kills the server at once (a target using it then fails) and removes its directory. */
  stop(): Promise<void>;
}

const childScript = fileURLToPath(new URL('./s3-server.child.mjs', import.meta.url));

function nextMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`s3rver exited (${code}) before ${what}`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * A real S3-protocol server (s3rver, signature V4 accepted by access key id only) on a free loopback
 * port, storing in a temp directory, with one bucket, silent. It runs in a child process: see
 * s3-server.child.mjs for why.
 */
export async function startS3Server(bucket = 'castellan-test'): Promise<S3TestServer> {
  const directory = mkdtempSync(path.join(tmpdir(), 'castellan-s3rver-'));
  const child = fork(childScript, [directory, bucket], { execArgv: ['--openssl-legacy-provider'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let port: number;
  try {
    ({ port } = await nextMessage<{ port: number }>(child, 'listening'));
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    vhostEndpoint: `http://s3.localhost:${port}`,
    port,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async requests() {
      const reply = nextMessage<{ requests: SeenRequest[] }>(child, 'answering');
      child.send('requests');
      return (await reply).requests;
    },
    async stop() {
      if (!stopped) {
        stopped = true;
        child.kill('SIGKILL');
        await exited;
        rmSync(directory, { recursive: true, force: true });
      }
      await exited;
    },
  };
}
