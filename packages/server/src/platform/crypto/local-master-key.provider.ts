import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { aes256GcmSuite } from './aes-256-gcm.suite.js';
import type { CipherSuite } from './cipher-suite.js';
import { openBytes, sealBytes } from './envelope.js';
import type { MasterKeyProvider, MasterKeyProviderKind } from './master-key-provider.js';

/** A KEK held in process memory, loaded from a key file or an environment variable. */
class LocalMasterKeyProvider implements MasterKeyProvider {
  readonly keyId: string;
  constructor(
    readonly kind: MasterKeyProviderKind,
    private readonly kek: Buffer,
    private readonly suite: CipherSuite,
  ) {
    if (kek.length !== 32) throw new Error('the master key must be 32 bytes');
    const fingerprint = createHash('sha256').update('castellan-kek-id\0').update(kek).digest('hex').slice(0, 16);
    this.keyId = `${kind}:${fingerprint}`;
  }
  async wrap(dataKey: Buffer, aad: Buffer): Promise<Buffer> {
    return sealBytes(this.suite, this.kek, 0, dataKey, aad);
  }
  async unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    return openBytes(this.kek, wrapped, aad);
  }
  async close(): Promise<void> {
    this.kek.fill(0);
  }
}

const KEY_FILE_HEADER = 'castellan-master-key-v1';

/** Creates a new key file (mode 0600); refuses to overwrite an existing one. */
export function createMasterKeyFile(file: string): void {
  const body = `${KEY_FILE_HEADER}\n${randomBytes(32).toString('base64')}\n`;
  writeFileSync(file, body, { flag: 'wx', mode: 0o600 });
  chmodSync(file, 0o600);
}

export function openFileMasterKeyProvider(file: string, suite: CipherSuite = aes256GcmSuite): MasterKeyProvider {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch {
    throw new Error(`master key file ${file} is missing (CASTELLAN_MASTER_KEY_FILE); was this data directory initialised?`);
  }
  if ((stat.mode & 0o077) !== 0) {
    throw new Error(`master key file ${file} is readable by group or others (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 on it`);
  }
  const [header, encoded] = readFileSync(file, 'utf8').trim().split('\n');
  const key = Buffer.from(encoded ?? '', 'base64');
  if (header !== KEY_FILE_HEADER || key.length !== 32) throw new Error(`master key file ${file} is not a Castellan master key`);
  return new LocalMasterKeyProvider('file', key, suite);
}

export function openEnvMasterKeyProvider(base64: string, suite: CipherSuite = aes256GcmSuite): MasterKeyProvider {
  return new LocalMasterKeyProvider('env', Buffer.from(base64, 'base64'), suite);
}
