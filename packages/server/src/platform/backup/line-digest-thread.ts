import { Worker } from 'node:worker_threads';
import { type LineDigestSum, RowChecksum, sumLineDigests } from './row-codec.js';

/**
 * RowChecksum's per-line SHA-256 on a thread of its own: the one pass of a restore or a verify hashes
 * each chunk's lines there while the main thread hands the chunk to the database and opens the next.
 * The thread runs sumLineDigests' own source, so both places sum the same way. It holds the process
 * open only while a chunk is being summed.
 */
const program = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const sumLineDigests = ${sumLineDigests.toString()};
const sha256 = (line) => hash('sha256', line, 'buffer');
parentPort.on('message', ({ id, text }) => {
  try {
    parentPort.postMessage({ id, sum: sumLineDigests(new Uint8Array(text), sha256) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});
`;

let thread: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (sum: LineDigestSum) => void; reject: (error: Error) => void }>();

function started(): Worker {
  if (thread) return thread;
  // A small young generation: the thread makes a digest per line and keeps none, so frequent small
  // collections free the chunks it was sent sooner (a restore's peak memory is bounded, SPEC 5).
  const worker = new Worker(program, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 } });
  worker.on('message', ({ id, sum, error }: { id: number; sum?: LineDigestSum; error?: string }) => {
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

/** sumLineDigests(text) computed on the checksum thread (the text is copied there). */
export function sumLineDigestsOffThread(text: Buffer): Promise<LineDigestSum> {
  const worker = started();
  const id = nextId++;
  const copy = new Uint8Array(text.byteLength);
  copy.set(text);
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.ref();
    worker.postMessage({ id, text: copy.buffer }, [copy.buffer]);
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
