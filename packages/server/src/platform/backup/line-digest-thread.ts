import { Worker } from 'node:worker_threads';
import { type LineDigestSum, RowChecksum, sumLineDigests } from './row-codec.js';

/**
 * RowChecksum's per-line SHA-256 on a thread of its own: the one pass of a restore or a verify hashes
 * each chunk's lines there while the main thread hands the chunk to the database and opens the next.
 * The thread runs sumLineDigests' own source, so both places sum the same way. It holds the process
 * open only while a chunk is being summed. The buffers the texts are copied into travel there and back
 * and are used again, so memory does not wait on either thread's garbage collector.
 */
const program = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const sumLineDigests = ${sumLineDigests.toString()};
const sha256 = (line) => hash('sha256', line, 'buffer');
parentPort.on('message', ({ id, buffer, length }) => {
  try {
    parentPort.postMessage({ id, buffer, sum: sumLineDigests(new Uint8Array(buffer, 0, length), sha256) }, [buffer]);
  } catch (error) {
    parentPort.postMessage({ id, buffer, error: String(error && error.message) }, [buffer]);
  }
});
`;

let thread: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (sum: LineDigestSum) => void; reject: (error: Error) => void }>();
/** Buffers back from the thread, for the next texts (a few: as many as are ever in flight). */
const spare: ArrayBuffer[] = [];
const SPARE_BUFFERS = 8;

function started(): Worker {
  if (thread) return thread;
  const worker = new Worker(program, { eval: true });
  worker.on('message', ({ id, buffer, sum, error }: { id: number; buffer: ArrayBuffer; sum?: LineDigestSum; error?: string }) => {
    if (spare.length < SPARE_BUFFERS) spare.push(buffer);
    const entry = waiting.get(id);
    waiting.delete(id);
    if (waiting.size === 0) worker.unref();
    if (!entry) return;
    if (sum) entry.resolve(sum);
    else entry.reject(new Error(error ?? 'the checksum thread failed'));
  });
  worker.on('error', (error) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
    thread = undefined;
  });
  worker.unref();
  thread = worker;
  return worker;
}

/** A buffer of at least `length` bytes: a spare one that is large enough, else a new one (a little larger, to be used again). */
function bufferFor(length: number): ArrayBuffer {
  const at = spare.findIndex((b) => b.byteLength >= length);
  if (at !== -1) return spare.splice(at, 1)[0] as ArrayBuffer;
  if (spare.length > 0) spare.shift();
  return new ArrayBuffer(Math.ceil((length * 1.125) / 65536) * 65536);
}

/** sumLineDigests(text) computed on the checksum thread (the text is copied there). */
export function sumLineDigestsOffThread(text: Buffer): Promise<LineDigestSum> {
  const worker = started();
  const id = nextId++;
  const buffer = bufferFor(text.byteLength);
  new Uint8Array(buffer, 0, text.byteLength).set(text);
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.ref();
    worker.postMessage({ id, buffer, length: text.byteLength }, [buffer]);
  });
}

/**
 * A RowChecksum summed on the checksum thread: add() sends a text of whole lines there, waiting only
 * while more than `inFlight` are still being summed; total() waits for the rest.
 */
export class ThreadedRowChecksum {
  private readonly checksum = new RowChecksum();
  private readonly parts: Promise<LineDigestSum>[] = [];
  constructor(private readonly inFlight = 4) {}
  async add(text: Buffer): Promise<void> {
    const part = sumLineDigestsOffThread(text);
    part.catch(() => undefined);
    this.parts.push(part);
    while (this.parts.length > this.inFlight) this.checksum.addSum(await (this.parts.shift() as Promise<LineDigestSum>));
  }
  async total(): Promise<RowChecksum> {
    while (this.parts.length > 0) this.checksum.addSum(await (this.parts.shift() as Promise<LineDigestSum>));
    return this.checksum;
  }
}
