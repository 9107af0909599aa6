import type { CipherSuite } from './cipher-suite.js';
import { IntegrityError } from './integrity-error.js';
import { suiteByCode } from './suites.js';

/**
 * Versioned binary envelope stored for every encrypted value:
 *   [0] format version (1) | [1] suite code | [2..5] key version uint32 BE |
 *   nonce (suite.nonceLength) | ciphertext | tag (suite.tagLength)
 * The 6 header bytes are always authenticated (prepended to the AAD), so the suite,
 * format and key version cannot be altered without failing authentication.
 */
export const ENVELOPE_VERSION = 1;
export const HEADER_LENGTH = 6;

/** Where an encrypted value lives; bound into the AAD so values cannot be moved between cells. */
export interface FieldContext {
  table: string;
  column: string;
  rowId: string;
}

function buildHeader(suite: CipherSuite, keyVersion: number): Buffer {
  if (!Number.isInteger(keyVersion) || keyVersion < 0 || keyVersion > 0xffffffff) {
    throw new Error('key version must be a uint32');
  }
  const header = Buffer.alloc(HEADER_LENGTH);
  header[0] = ENVELOPE_VERSION;
  header[1] = suite.code;
  header.writeUInt32BE(keyVersion, 2);
  return header;
}

function contextBytes(ctx: FieldContext): Buffer {
  const { table, column, rowId } = ctx;
  if (table.includes('\0') || column.includes('\0') || rowId.includes('\0')) {
    throw new Error('field context must not contain NUL characters');
  }
  return Buffer.from(`${table}\0${column}\0${rowId}`, 'utf8');
}

/** AAD for a field: header bytes 0..5 followed by UTF-8 of `table\0column\0rowId`. */
export function fieldAad(header: Buffer, ctx: FieldContext): Buffer {
  if (header.length < HEADER_LENGTH) throw new IntegrityError('envelope header truncated');
  return Buffer.concat([header.subarray(0, HEADER_LENGTH), contextBytes(ctx)]);
}

interface ParsedEnvelope {
  suite: CipherSuite;
  header: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parse(envelope: Buffer): ParsedEnvelope {
  if (envelope.length < HEADER_LENGTH) throw new IntegrityError('envelope truncated');
  if (envelope[0] !== ENVELOPE_VERSION) throw new IntegrityError('unsupported envelope format version');
  const suite = suiteByCode(envelope[1] ?? -1);
  const tagStart = envelope.length - suite.tagLength;
  const ctStart = HEADER_LENGTH + suite.nonceLength;
  if (tagStart < ctStart) throw new IntegrityError('envelope truncated');
  return {
    suite,
    header: envelope.subarray(0, HEADER_LENGTH),
    nonce: envelope.subarray(HEADER_LENGTH, ctStart),
    ciphertext: envelope.subarray(ctStart, tagStart),
    tag: envelope.subarray(tagStart),
  };
}

/** The key version recorded in an envelope header (for choosing the key / rotation checks). */
export function envelopeKeyVersion(envelope: Buffer): number {
  return parse(envelope).header.readUInt32BE(2);
}

/**
 * Seals raw bytes into an envelope. The authenticated data is header || aad,
 * so the caller-given aad (e.g. a key-wrapping label) is bound together with suite and key version.
 */
export function sealBytes(suite: CipherSuite, key: Buffer, keyVersion: number, plaintext: Buffer, aad: Buffer): Buffer {
  const header = buildHeader(suite, keyVersion);
  const { nonce, ciphertext, tag } = suite.seal(key, plaintext, Buffer.concat([header, aad]));
  return Buffer.concat([header, nonce, ciphertext, tag]);
}

/**
 * Opens an envelope made by sealBytes with the same aad. The suite is taken from the envelope;
 * pass `expectedSuite` to additionally refuse envelopes of another suite.
 */
export function openBytes(key: Buffer, envelope: Buffer, aad: Buffer, expectedSuite?: CipherSuite): Buffer {
  const { suite, header, nonce, ciphertext, tag } = parse(envelope);
  if (expectedSuite && expectedSuite.code !== suite.code) throw new IntegrityError('envelope cipher suite mismatch');
  return suite.open(key, { nonce, ciphertext, tag }, Buffer.concat([header, aad]));
}

/** Encrypts one field value; AAD = fieldAad(header, ctx). */
export function sealValue(suite: CipherSuite, key: Buffer, keyVersion: number, plaintext: string, ctx: FieldContext): Buffer {
  return sealBytes(suite, key, keyVersion, Buffer.from(plaintext, 'utf8'), contextBytes(ctx));
}

/** Decrypts one field value sealed for exactly this table/column/row (and the key version in its header). */
export function openValue(key: Buffer, envelope: Buffer, ctx: FieldContext, expectedSuite?: CipherSuite): string {
  return openBytes(key, envelope, contextBytes(ctx), expectedSuite).toString('utf8');
}
