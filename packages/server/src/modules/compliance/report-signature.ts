import { type KeyObject, sign, verify } from 'node:crypto';
import type { SigningKeyResolver } from '../../platform/audit/signing-keys.js';

/**
 * Signing an auditor's report with the audit log's Ed25519 key (the key of the signed audit
 * checkpoints). The signature covers the exact bytes of the report:
 * - JSON: `{"report": …, "keyId": …, "signature": …}` in one canonical form (2-space indent, final
 *   newline); the signature covers the canonical bytes of `report`, and a file not in canonical form
 *   is refused, so no byte can change unnoticed.
 * - HTML and PDF: the document, then one trailer line naming the key and the signature over every
 *   byte before it (`<!-- … -->` in HTML, a `%` comment after `%%EOF` in PDF, which readers ignore).
 */
const DOMAIN = Buffer.from('castellan-compliance-report:v1\n', 'utf8');
const message = (content: Buffer) => Buffer.concat([DOMAIN, content]);
const htmlTrailer = /\n<!-- castellan-signature v1 key=(\S+) sig=([A-Za-z0-9+/=]+) -->\n$/;
const pdfTrailer = /\n%castellan-signature v1 key=(\S+) sig=([A-Za-z0-9+/=]+)\n$/;

export type ReportFormat = 'json' | 'html' | 'pdf';

export function signReport(format: ReportFormat, content: Buffer | object, key: KeyObject, keyId: string): Buffer {
  if (format === 'json') {
    const report = JSON.stringify(content, null, 2);
    const signature = sign(null, message(Buffer.from(report, 'utf8')), key).toString('base64');
    return Buffer.from(canonicalJson(JSON.parse(report), keyId, signature), 'utf8');
  }
  const bytes = content as Buffer;
  const signature = sign(null, message(bytes), key).toString('base64');
  const trailer =
    format === 'html' ? `\n<!-- castellan-signature v1 key=${keyId} sig=${signature} -->\n` : `\n%castellan-signature v1 key=${keyId} sig=${signature}\n`;
  return Buffer.concat([bytes, Buffer.from(trailer, 'latin1')]);
}

const canonicalJson = (report: unknown, keyId: string, signature: string) => `${JSON.stringify({ report, keyId, signature }, null, 2)}\n`;

export interface ReportVerification {
  valid: boolean;
  format: ReportFormat | 'unknown';
  keyId: string | null;
  reason: string;
  /** The parsed report body (JSON reports only). */
  report?: Record<string, unknown>;
}

function verifies(content: Buffer, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, message(content), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The key that signed, from the trust list; undefined with the reason when it is not trusted. */
function keyFor(resolve: SigningKeyResolver, keyId: string): { key?: KeyObject; reason: string } {
  try {
    return { key: resolve(keyId, 'the report'), reason: '' };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

/** Checks a report file against the audit key it names (`resolve`: audit/signing-keys.ts); names why it fails. */
export function verifyReport(file: Buffer, resolve: SigningKeyResolver): ReportVerification {
  const text = file.toString('latin1');
  const trailer = file.subarray(0, 5).toString('latin1') === '%PDF-' ? pdfTrailer : htmlTrailer;
  const format: ReportFormat = trailer === pdfTrailer ? 'pdf' : 'html';
  const match = trailer.exec(text);
  if (match) {
    const [whole, keyId = '', signature = ''] = match;
    const content = file.subarray(0, file.length - Buffer.byteLength(whole, 'latin1'));
    const { key, reason } = keyFor(resolve, keyId);
    if (!key) return { valid: false, format, keyId, reason };
    const valid = verifies(content, signature, key);
    return { valid, format, keyId, reason: valid ? 'the signature verifies' : 'the signature does not match the content: the report was altered' };
  }
  let parsed: { report?: Record<string, unknown>; keyId?: string; signature?: string };
  try {
    parsed = JSON.parse(file.toString('utf8'));
  } catch {
    return { valid: false, format: 'unknown', keyId: null, reason: 'not a signed Castellan report (no signature trailer, not JSON)' };
  }
  const { report, keyId, signature } = parsed;
  if (!report || typeof keyId !== 'string' || typeof signature !== 'string')
    return { valid: false, format: 'json', keyId: null, reason: 'the JSON report lacks report, keyId or signature' };
  if (canonicalJson(report, keyId, signature) !== file.toString('utf8'))
    return { valid: false, format: 'json', keyId, reason: 'the JSON report is not in its signed canonical form: it was altered' };
  const { key, reason } = keyFor(resolve, keyId);
  if (!key) return { valid: false, format: 'json', keyId, reason };
  const valid = verifies(Buffer.from(JSON.stringify(report, null, 2), 'utf8'), signature, key);
  return {
    valid,
    format: 'json',
    keyId,
    reason: valid ? 'the signature verifies' : 'the signature does not match the content: the report was altered',
    report,
  };
}
