import type { KeyObject } from 'node:crypto';

/** The short name of an audit signing key, written beside every signature it makes. */
export function publicKeyId(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return `ed25519:${Buffer.from(der).toString('base64url').slice(-16)}`;
}
