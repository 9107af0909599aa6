import { type KeyObject, sign, verify } from 'node:crypto';
import type { SigningKeyResolver } from '../audit/signing-keys.js';

/**
 * A signed JSON file of the backup set (a manifest, an erasure-ledger segment): canonical JSON
 * (2-space indent, final newline) of `{ body, keyId, signature }`, the Ed25519 signature over a
 * domain label and the compact JSON of the body. A file not in canonical form is refused, so no
 * byte can change unnoticed.
 */
export class SignedFileError extends Error {}

const message = (domain: string, body: unknown) => Buffer.from(`${domain}\n${JSON.stringify(body)}`, 'utf8');

export function signJson(domain: string, body: unknown, key: KeyObject, keyId: string): Buffer {
  const signature = sign(null, message(domain, body), key).toString('base64');
  return Buffer.from(`${JSON.stringify({ body, keyId, signature }, null, 2)}\n`, 'utf8');
}

/**
 * Parses and checks a signed file against the key its keyId names (`resolve`: which keys are trusted,
 * audit/signing-keys.ts); answers the body and the key that signed it. Throws SignedFileError naming
 * what failed (`what`: "the manifest", "ledger segment 3").
 */
export function readSignedJson<T>(domain: string, file: Buffer, resolve: SigningKeyResolver, what: string): { body: T; keyId: string } {
  let parsed: { body?: T; keyId?: unknown; signature?: unknown };
  try {
    parsed = JSON.parse(file.toString('utf8'));
  } catch {
    throw new SignedFileError(`${what} is not JSON: it was truncated or altered`);
  }
  if (!parsed || parsed.body === undefined || typeof parsed.signature !== 'string' || typeof parsed.keyId !== 'string')
    throw new SignedFileError(`${what} is not a signed Castellan file`);
  let key: KeyObject;
  try {
    key = resolve(parsed.keyId, what);
  } catch (error) {
    throw new SignedFileError((error as Error).message);
  }
  if (`${JSON.stringify(parsed, null, 2)}\n` !== file.toString('utf8')) throw new SignedFileError(`${what} is not in its canonical form: it was altered`);
  // Strict base64: Node skips characters outside the alphabet, so a flipped padding byte must not decode to the same signature.
  const signature = Buffer.from(parsed.signature, 'base64');
  if (signature.toString('base64') !== parsed.signature) throw new SignedFileError(`the signature of ${what} is not well-formed: it was altered`);
  let valid = false;
  try {
    valid = verify(null, message(domain, parsed.body), key, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new SignedFileError(`the signature of ${what} does not verify: it was altered`);
  return { body: parsed.body, keyId: parsed.keyId };
}
