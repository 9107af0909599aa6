import { Worker } from 'node:worker_threads';
import { type LineDigestSum, RowChecksum, sumLineDigests } from './row-codec.js';

/**
 * RowChecksum's per-line SHA-256 on threads of their own (two, chunks taken in turn): the one pass of
 * a restore or a verify hashes each chunk's lines there while the main thread hands the chunk to the
 * database and opens the next. The threads run sumLineDigests' own source, so every place sums the
 * same way. A thread holds the process open only while a chunk is being summed. The buffers the texts are copied into travel there and back
 * and are used again, so memory does not wait on either thread's garbage collector.
 */
const program = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const sumLineDigests = ${sumLineDigests.toString()};
const sha256 = (line) => hash('sha256', line, 'binary');
parentPort.on('message', ({ id, buffer, length }) => {
  try {
    parentPort.postMessage({ id, buffer, sum: sumLineDigests(new Uint8Array(buffer, 0, length), sha256) }, [buffer]);
  } catch (error) {
    parentPort.postMessage({ id, buffer, error: String(error && error.message) }, [buffer]);
  }
});
`;

/** Two threads: on two cores the hashing of a table's lines then keeps pace with the loading and PostgreSQL's COPY. */
const THREADS = 2;
let nextId = 0;
const spare: ArrayBuffer[] = [];
const SPARE_BUFFERS = 8;

/** One checksum thread, started on first use; it keeps the process alive only while it has work. */
class DigestThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { resolve: (sum: LineDigestSum) => void; reject: (error: Error) => void }>();

  sum(id: number, buffer: ArrayBuffer, length: number): Promise<LineDigestSum> {
    const worker = this.started();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, buffer, length }, [buffer]);
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(program, { eval: true });
    worker.on('message', ({ id, buffer, sum, error }: { id: number; buffer: ArrayBuffer; sum?: LineDigestSum; error?: string }) => {
      if (spare.length < SPARE_BUFFERS) spare.push(buffer);
      const entry = this.waiting.get(id);
      this.waiting.delete(id);
      if (this.waiting.size === 0) worker.unref();
      if (!entry) return;
      if (sum) entry.resolve(sum);
      else entry.reject(new Error(error ?? 'the checksum thread failed'));
    });
    worker.on('error', (error) => {
      for (const entry of this.waiting.values()) entry.reject(error);
      this.waiting.clear();
      this.worker = undefined;
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

const threads = Array.from({ length: THREADS }, () => new DigestThread());

function bufferFor(length: number): ArrayBuffer {
  const at = spare.findIndex((b) => b.byteLength >= length);
  if (at !== -1) return spare.splice(at, 1)[0] as ArrayBuffer;
  if (spare.length > 0) spare.shift();
  return new ArrayBuffer(Math.ceil((length * 1.125) / 65536) * 65536);
}

/** sumLineDigests(text) computed on the checksum thread (the text is copied there). */
export function sumLineDigestsOffThread(text: Buffer): Promise<LineDigestSum> {
  const id = nextId++;
  const buffer = bufferFor(text.byteLength);
  new Uint8Array(buffer, 0, text.byteLength).set(text);
  return (threads[id % THREADS] as DigestThread).sum(id, buffer, text.byteLength);
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
