import { createReadStream } from 'node:fs';
import type { Kernel } from '../kernel.js';

const prefixBytes = 1024 * 1024;

/**
 * A keyed MAC of a file's first MiB (and its size is kept beside it): enough for a resume to tell
 * that it was given the same file, and, being keyed, no dictionary attack on a small file's content.
 */
export class FileFingerprint {
  private readonly parts: Buffer[] = [];
  private taken = 0;

  constructor(private readonly kernel: Kernel) {}

  update(chunk: Buffer): void {
    if (this.taken >= prefixBytes) return;
    const part = chunk.subarray(0, prefixBytes - this.taken);
    this.parts.push(Buffer.from(part));
    this.taken += part.length;
  }

  digest(): string {
    const key = this.kernel.suite.mac(this.kernel.keyring.blindIndexKey, 'castellan:import-file-fingerprint');
    return this.kernel.suite.mac(key, Buffer.concat(this.parts)).toString('hex');
  }
}

export async function fingerprintFile(kernel: Kernel, file: string): Promise<string> {
  const fingerprint = new FileFingerprint(kernel);
  for await (const chunk of createReadStream(file, { end: prefixBytes - 1 }) as AsyncIterable<Buffer>) fingerprint.update(chunk);
  return fingerprint.digest();
}
