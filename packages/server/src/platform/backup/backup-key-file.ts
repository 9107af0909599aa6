import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isSm2Pem, parseSm2PrivateKeyPem, parseSm2PublicKeyPem } from '../crypto/sm2-keys.js';
import type { BackupPrivateKey, BackupPublicKey } from './backup-key.js';

/**
 * Reads asymmetric mode's key files: an X25519 key (`openssl genpkey -algorithm X25519`) or an SM2
 * key (`openssl genpkey -algorithm SM2`, the 国密 choice). Either works under either cipher suite.
 */
export function parseBackupPublicKey(pem: string): BackupPublicKey {
  if (isSm2Pem(pem)) return parseSm2PublicKeyPem(pem);
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'x25519')
    throw new Error('the key must be an X25519 or SM2 public key (openssl genpkey -algorithm X25519 | SM2, then openssl pkey -pubout)');
  return key;
}

export function parseBackupPrivateKey(pem: string): BackupPrivateKey {
  if (isSm2Pem(pem)) return parseSm2PrivateKeyPem(pem);
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'x25519') throw new Error('the key must be an X25519 or SM2 private key');
  return key;
}

/** Reads and parses a backup key file; the error names the file (never its content). */
export function readBackupKeyFile(file: string, kind: 'public'): BackupPublicKey;
export function readBackupKeyFile(file: string, kind: 'private'): BackupPrivateKey;
export function readBackupKeyFile(file: string, kind: 'public' | 'private'): BackupPublicKey | BackupPrivateKey {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`cannot read a ${kind} key from ${file}`);
  }
  try {
    return kind === 'public' ? parseBackupPublicKey(pem) : parseBackupPrivateKey(pem);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
