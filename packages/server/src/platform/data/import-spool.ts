import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openBytes, sealBytes } from '../crypto/envelope.js';
import { AppError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { FileFingerprint } from './import-fingerprint.js';

/**
 * An uploaded import file is never on disk in plaintext: it is spooled to
 * `<data dir>/imports/<job>.spool` in frames of at most 64 KiB, each sealed (the installation's cipher
 * suite) under a random key of the job, bound to the job and the frame's position (and the last frame
 * marked), so a frame cannot be moved, dropped or appended. The job key is wrapped like a subject key
 * (under the current field data key) and kept in the job row; spool and key go when the job ends.
 */
const frameSize = 64 * 1024;
/** Uploads larger than this are refused (413). */
export const maxUploadBytes = 2 * 1024 ** 3;

const keyId = (jobId: string) => `import-spool:${jobId}`;
const frameAad = (jobId: string, index: number, last: boolean) => Buffer.from(`castellan:import-spool:${jobId}:${index}:${last ? 'last' : 'more'}`, 'utf8');
export const spoolPath = (kernel: Kernel, jobId: string) => path.join(kernel.config.dataDir, 'imports', `${jobId}.spool`);

export interface Spooled {
  wrapped: Buffer;
  version: number;
  size: number;
  fingerprint: string;
}

export async function writeSpool(kernel: Kernel, jobId: string, input: Readable): Promise<Spooled> {
  const made = kernel.keyring.newSubjectKey(keyId(jobId), undefined, false);
  const file = spoolPath(kernel, jobId);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const fingerprint = new FileFingerprint(kernel);
  let size = 0;
  let index = 0;
  let pending: Buffer = Buffer.alloc(0);
  const seal = (plain: Buffer, last: boolean) => {
    const sealed = sealBytes(kernel.suite, made.key, made.version, plain, frameAad(jobId, index++, last));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(sealed.length);
    return Buffer.concat([length, sealed]);
  };
  async function* frames() {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxUploadBytes) throw new AppError('payload_too_large', 413, `the file is larger than ${maxUploadBytes} bytes`);
      fingerprint.update(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length > frameSize) {
        yield seal(pending.subarray(0, frameSize), false);
        pending = pending.subarray(frameSize);
      }
    }
    yield seal(pending, true);
  }
  try {
    await pipeline(Readable.from(frames()), createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  } finally {
    made.key.fill(0);
  }
  return { wrapped: made.wrapped, version: made.version, size, fingerprint: fingerprint.digest() };
}

/** The spooled file as plaintext bytes, frame by frame; a frame altered, moved or missing fails (IntegrityError). */
export function readSpool(kernel: Kernel, jobId: string, spoolKey: { wrapped: Buffer; version: number }): Readable {
  const key = kernel.keyring.subjectKey(keyId(jobId), spoolKey.version, spoolKey.wrapped);
  const source = createReadStream(spoolPath(kernel, jobId));
  async function* plain() {
    let buffered: Buffer = Buffer.alloc(0);
    let index = 0;
    let sawLast = false;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      while (buffered.length >= 4) {
        const length = buffered.readUInt32BE(0);
        if (buffered.length < 4 + length) break;
        const envelope = buffered.subarray(4, 4 + length);
        buffered = buffered.subarray(4 + length);
        if (sawLast) throw new Error('the import spool has data after its last frame');
        let opened: Buffer;
        try {
          opened = openBytes(key, envelope, frameAad(jobId, index, false), kernel.suite);
        } catch {
          opened = openBytes(key, envelope, frameAad(jobId, index, true), kernel.suite);
          sawLast = true;
        }
        index++;
        if (opened.length) yield opened;
      }
    }
    if (!sawLast || buffered.length) throw new Error('the import spool is truncated');
  }
  return Readable.from(plain());
}

export async function removeSpool(kernel: Kernel, jobId: string): Promise<void> {
  kernel.keyring.forgetSubject(keyId(jobId));
  await rm(spoolPath(kernel, jobId), { force: true });
}
