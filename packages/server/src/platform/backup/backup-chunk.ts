import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip, gzipSync } from 'node:zlib';
import type { CipherSuite } from '../crypto/cipher-suite.js';
import { openBytes, sealBytes } from '../crypto/envelope.js';
import { IntegrityError } from '../crypto/integrity-error.js';

/**
 * One chunk of a backup: a run of rows of one table (newline-separated JSON), compressed (gzip -1),
 * named by the keyed hash of its plaintext (the suite's MAC under a key derived from the backup key,
 * so the name reveals nothing to whoever holds the target), and sealed with the suite's authenticated
 * encryption under another derived key. The authenticated data binds the backup, the table, the
 * chunk's position and its name: a chunk moved to another place, another table or another backup
 * does not open.
 */
export interface ChunkKeys {
  readonly id: Buffer;
  readonly seal: Buffer;
}

export function chunkKeys(backupKey: Buffer): ChunkKeys {
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', backupKey, Buffer.alloc(0), `castellan:backup:${label}`, 32));
  return { id: derive('chunk-name'), seal: derive('chunk-seal') };
}

export interface ChunkPlace {
  backupId: string;
  table: string;
  index: number;
}

const aad = (place: ChunkPlace, id: string) => Buffer.from(`castellan:backup-chunk:${place.backupId}:${place.table}:${place.index}:${id}`, 'utf8');

export function sealChunk(suite: CipherSuite, keys: ChunkKeys, place: ChunkPlace, plaintext: Buffer): { id: string; bytes: Buffer } {
  const id = suite.mac(keys.id, plaintext).toString('hex');
  const bytes = sealBytes(suite, keys.seal, 1, gzipSync(plaintext, { level: 1 }), aad(place, id));
  return { id, bytes };
}

/** zlib hands its output over in pieces of this size (its default, 16 KiB, costs a callback and a copy per piece of a 4 MiB chunk). */
const ZLIB_PIECE = 1024 * 1024;
const gzipAsync = promisify(gzip);

/** sealChunk with the compression on libuv's thread pool, so that the next chunk is read and encoded meanwhile. */
export async function sealChunkAsync(suite: CipherSuite, keys: ChunkKeys, place: ChunkPlace, plaintext: Buffer): Promise<{ id: string; bytes: Buffer }> {
  const id = suite.mac(keys.id, plaintext).toString('hex');
  const bytes = sealBytes(suite, keys.seal, 1, await gzipAsync(plaintext, { level: 1, chunkSize: ZLIB_PIECE }), aad(place, id));
  return { id, bytes };
}

const gunzipAsync = promisify(gunzip);

/**
 * Opens a chunk (decompressed on libuv's thread pool, so that the rows of the previous chunk are checked
 * or loaded meanwhile) and checks that its content has the name the manifest gives it; throws IntegrityError naming the chunk.
 */
export async function openChunkAsync(suite: CipherSuite, keys: ChunkKeys, place: ChunkPlace, id: string, bytes: Buffer): Promise<Buffer> {
  let plaintext: Buffer;
  try {
    plaintext = await gunzipAsync(openBytes(keys.seal, bytes, aad(place, id), suite), { chunkSize: ZLIB_PIECE });
  } catch (error) {
    throw notOpening(place, id, error);
  }
  return checkName(suite, keys, place, id, plaintext);
}

const notOpening = (place: ChunkPlace, id: string, error: unknown) =>
  new IntegrityError(
    `chunk ${place.index + 1} of table ${place.table} (${id.slice(0, 12)}…) does not open: ${error instanceof IntegrityError ? 'altered, truncated, from another place or under another key' : 'its content is not what was written'}`,
  );

function checkName(suite: CipherSuite, keys: ChunkKeys, place: ChunkPlace, id: string, plaintext: Buffer): Buffer {
  const actual = suite.mac(keys.id, plaintext);
  if (actual.length * 2 !== id.length || !timingSafeEqual(actual, Buffer.from(id, 'hex')))
    throw new IntegrityError(`chunk ${place.index + 1} of table ${place.table} holds other content than its name says`);
  return plaintext;
}
