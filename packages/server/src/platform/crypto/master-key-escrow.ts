import type { KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../../config/load-config.js';
import { IntegrityError } from './integrity-error.js';
import { openFileMasterKeyProvider } from './local-master-key.provider.js';
import { openWithKey, type SealedToKey, sealToKey } from './sealed-to-key.js';

/**
 * Escrow of the master key: without it no backup sealed under it opens, so a lost `master.key` would
 * lose every backup with the database. `castellan keys escrow` seals the key file to an escrow public
 * key (X25519; the private key is kept offline, e.g. split between two officers' safes) and writes a
 * file that can be stored anywhere, with the backups; `castellan keys recover` turns it back into a
 * key file. An HSM key never leaves its token: the token's own backup procedure applies.
 */
const LABEL = 'castellan:master-key-escrow:v1';

export interface MasterKeyEscrow {
  kind: 'castellan-master-key-escrow';
  version: 1;
  provider: 'file' | 'env';
  keyId: string;
  createdAt: string;
  key: SealedToKey;
}

export async function escrowMasterKey(masterKey: Config['masterKey'], escrowPublicKey: KeyObject, keyId: string): Promise<Buffer> {
  if (masterKey.provider === 'pkcs11')
    throw new Error('the master key is on an HSM and never leaves it: back it up with the token’s own procedure (docs/OPERATIONS.md, "Master key escrow")');
  const file = masterKey.provider === 'file' ? readFileSync(masterKey.file) : Buffer.from(`castellan-master-key-v1\n${masterKey.base64}\n`, 'utf8');
  const escrow: MasterKeyEscrow = {
    kind: 'castellan-master-key-escrow',
    version: 1,
    provider: masterKey.provider,
    keyId,
    createdAt: new Date().toISOString(),
    key: sealToKey(escrowPublicKey, file, `${LABEL}:${keyId}`),
  };
  file.fill(0);
  return Buffer.from(`${JSON.stringify(escrow, null, 2)}\n`, 'utf8');
}

/** Opens an escrow file with the escrow private key and writes the master key file (refusing to overwrite one); answers the key's id. */
export async function recoverMasterKey(escrowFile: Buffer, escrowPrivateKey: KeyObject, outFile: string): Promise<string> {
  let escrow: MasterKeyEscrow;
  try {
    escrow = JSON.parse(escrowFile.toString('utf8')) as MasterKeyEscrow;
  } catch {
    throw new IntegrityError('the escrow file is not JSON: truncated or altered');
  }
  if (escrow?.kind !== 'castellan-master-key-escrow' || escrow.version !== 1) throw new IntegrityError('not a Castellan master key escrow file');
  const key = openWithKey(escrowPrivateKey, escrow.key, `${LABEL}:${escrow.keyId}`);
  try {
    writeFileSync(outFile, key, { flag: 'wx', mode: 0o600 });
  } finally {
    key.fill(0);
  }
  const provider = openFileMasterKeyProvider(outFile);
  try {
    // The id of a file key names the key file it came from; an env key's escrow names env:…, the same fingerprint.
    if (provider.keyId.split(':')[1] !== escrow.keyId.split(':')[1])
      throw new IntegrityError(`the recovered key is ${provider.keyId}, the escrow names ${escrow.keyId}`);
    return provider.keyId;
  } finally {
    await provider.close();
  }
}
