import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { copyRowDecoder } from './copy-text-codec.js';
import { jsonRowDecoder } from './row-codec.js';
import { openSqliteLoad, type SqliteLoadOptions } from './sqlite-load-session.js';
import type { LineFormat } from './table-load.js';

/**
 * The thread a SQLite restore writes on: it runs openSqliteLoad's own source (and the row formats'
 * decoders'), so the load is the same code wherever it runs. Chunks travel there in buffers that come
 * back and are used again; at most IN_FLIGHT are on their way at once, so memory stays bounded while
 * the main thread reads ahead.
 */
const program = () => `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const openSqliteLoad = ${openSqliteLoad.toString()};
const decoders = { copy: ${copyRowDecoder.toString()}, json: ${jsonRowDecoder.toString()} };
let load;
const fail = (error) => {
  try { if (load) load.close(); } catch {}
  load = undefined;
  parentPort.postMessage({ op: 'error', message: String((error && error.message) || error), refused: Boolean(error && error.refused) });
};
try { load = openSqliteLoad(Database, workerData.options, decoders); } catch (error) { fail(error); }
parentPort.on('message', (m) => {
  if (m.op === 'close') {
    try { if (load) load.close(); } catch {}
    load = undefined;
    parentPort.close();
    return;
  }
  if (!load) return;
  try {
    if (m.op === 'table') load.table(m.name, m.columns, m.format);
    else if (m.op === 'chunk') {
      load.chunk(Buffer.from(m.buffer, 0, m.length).toString('utf8'));
      parentPort.postMessage({ op: 'ack', buffer: m.buffer }, [m.buffer]);
    } else if (m.op === 'finish') {
      const rows = load.finish();
      load.close();
      load = undefined;
      parentPort.postMessage({ op: 'done', rows });
    }
  } catch (error) {
    fail(error);
  }
});
`;

const IN_FLIGHT = 2;
const CLOSE_WAIT_MS = 30_000;
const sqliteModule = createRequire(import.meta.url).resolve('better-sqlite3');

type Reply = { op: 'ack'; buffer: ArrayBuffer } | { op: 'done'; rows: number } | { op: 'error'; message: string; refused: boolean };

/** A SQLite load on its own thread: table(), then its chunks; finish() commits; close() always, last. A failure there rejects the next call here. */
export class SqliteLoadThread {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private readonly spare: ArrayBuffer[] = [];
  private failure: Error | undefined;
  private rows: number | undefined;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private done: { resolve: (rows: number) => void; reject: (error: Error) => void } | undefined;

  constructor(options: SqliteLoadOptions) {
    this.worker = new Worker(program(), { eval: true, workerData: { sqlite: sqliteModule, options } });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (reply: Reply) => this.received(reply));
    this.worker.on('error', (error) => this.failed(error));
    this.worker.once('exit', () => this.failed(new Error('the SQLite load thread stopped before the load was finished')));
  }

  table(name: string, columns: string[], format: LineFormat): void {
    this.check();
    this.worker.postMessage({ op: 'table', name, columns, format });
  }

  /** Hands over a chunk's text (whole lines, each ending with a line feed), waiting while IN_FLIGHT are still being written. */
  async chunk(text: Buffer): Promise<void> {
    this.check();
    while (this.inFlight >= IN_FLIGHT) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.check();
    }
    const buffer = this.bufferFor(text.byteLength);
    new Uint8Array(buffer, 0, text.byteLength).set(text);
    this.inFlight += 1;
    this.worker.postMessage({ op: 'chunk', buffer, length: text.byteLength }, [buffer]);
  }

  /** Builds the indexes, checks the foreign keys and commits; the rows written. */
  finish(): Promise<number> {
    this.check();
    return new Promise((resolve, reject) => {
      this.done = { resolve, reject };
      this.worker.postMessage({ op: 'finish' });
    });
  }

  /** Ends the thread (the connection closed there first; nothing uncommitted is kept). */
  async close(): Promise<void> {
    this.worker.postMessage({ op: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), CLOSE_WAIT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private received(reply: Reply): void {
    if (reply.op === 'ack') {
      this.inFlight -= 1;
      if (this.spare.length <= IN_FLIGHT) this.spare.push(reply.buffer);
      this.wakeUp();
    } else if (reply.op === 'done') {
      this.rows = reply.rows;
      this.done?.resolve(reply.rows);
    } else this.failed(Object.assign(new Error(reply.message), { refused: reply.refused }));
  }

  private failed(error: Error): void {
    if (this.failure || this.rows !== undefined) return;
    this.failure = error;
    this.wakeUp();
    this.done?.reject(error);
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private bufferFor(length: number): ArrayBuffer {
    const at = this.spare.findIndex((b) => b.byteLength >= length);
    if (at !== -1) return this.spare.splice(at, 1)[0] as ArrayBuffer;
    this.spare.shift();
    return new ArrayBuffer(Math.ceil((length * 1.125) / 65536) * 65536);
  }
}
