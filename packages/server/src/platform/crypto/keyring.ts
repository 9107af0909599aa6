import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import type { CipherSuite } from './cipher-suite.js';
import { openBytes, sealBytes } from './envelope.js';
import { IntegrityError } from './integrity-error.js';
import type { MasterKeyProvider } from './master-key-provider.js';

/**
 * The key hierarchy in memory:
 *   master key (KEK, held by the provider)
 *     → data keys, one per purpose and version, stored wrapped in `data_keys`
 *         'field' data keys wrap the per-data-subject keys; 'blind_index' keys the blind-index HMACs;
 *         'audit_detail' seals the personal details of audit events and keys their pseudonyms
 *       → per-data-subject keys (stored wrapped in `data_subjects`) encrypt that person's values.
 * Destroying a subject's wrapped key crypto-shreds every value of that person in the live database
 * (and its WAL). A backup taken afterwards holds no copy of it; a backup taken before still holds the
 * wrapped key, and every restore replays the erasure ledger (platform/backup/erasure-ledger.ts) so the
 * person is erased again before the restored server opens (docs/SECURITY.md, "Crypto-shredding").
 */
export type DataKeyPurpose = 'field' | 'blind_index' | 'audit_signing' | 'audit_detail';

export interface StoredDataKey {
  purpose: DataKeyPurpose;
  version: number;
  wrapped: Buffer;
}

export const dataKeyAad = (purpose: DataKeyPurpose, version: number): Buffer => Buffer.from(`castellan:data-key:${purpose}:${version}`, 'utf8');
const subjectKeyAad = (subjectId: string): Buffer => Buffer.from(`castellan:subject-key:${subjectId}`, 'utf8');

export class Keyring {
  private readonly fieldKeys = new Map<number, Buffer>();
  private blindKey: Buffer | undefined;
  /** 'audit_detail' data keys by version (only v1 exists until the audit key is rotated). */
  private readonly auditDetailKeys = new Map<number, Buffer>();
  private currentVersion = 0;
  /** Ed25519 audit signing keys by version: the newest signs, every one verifies what it signed (platform/audit/signing-keys.ts). */
  private readonly signingKeys = new Map<number, KeyObject>();
  /** Unwrapped subject keys, least recently used first (bounded LRU). */
  private readonly subjectKeys = new Map<string, Buffer>();
  private readonly cacheLimit = 10_000;

  private constructor(
    readonly suite: CipherSuite,
    readonly provider: MasterKeyProvider,
  ) {}

  /** Unwraps every stored data key; a wrong master key fails here, before anything is served. */
  static async open(suite: CipherSuite, provider: MasterKeyProvider, stored: StoredDataKey[]): Promise<Keyring> {
    const ring = new Keyring(suite, provider);
    for (const key of stored) await ring.addStoredKey(key);
    if (!ring.blindKey || ring.currentVersion === 0) throw new Error('the database holds no data keys; run castellan init');
    return ring;
  }

  /** Makes a fresh data key, wrapped by the master key, ready to be stored. */
  static async newDataKey(provider: MasterKeyProvider, purpose: DataKeyPurpose, version: number): Promise<StoredDataKey> {
    const key = randomBytes(32);
    const wrapped = await provider.wrap(key, dataKeyAad(purpose, version));
    key.fill(0);
    return { purpose, version, wrapped };
  }

  async addStoredKey(key: StoredDataKey): Promise<void> {
    let plain: Buffer;
    try {
      plain = await this.provider.unwrap(key.wrapped, dataKeyAad(key.purpose, key.version));
    } catch (error) {
      if (error instanceof IntegrityError) {
        throw new Error(`the master key (${this.provider.keyId}) cannot unwrap data key ${key.purpose} v${key.version}: wrong master key for this database`);
      }
      throw error;
    }
    if (key.purpose === 'audit_signing') {
      this.signingKeys.set(key.version, createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' }));
      plain.fill(0);
      return;
    }
    if (key.purpose === 'audit_detail') {
      this.auditDetailKeys.set(key.version, plain);
      return;
    }
    if (key.purpose === 'blind_index') this.blindKey = plain;
    else {
      this.fieldKeys.set(key.version, plain);
      this.currentVersion = Math.max(this.currentVersion, key.version);
    }
  }

  get currentFieldVersion(): number {
    return this.currentVersion;
  }

  /** A new Ed25519 key pair for signing audit checkpoints, backups and evidence; the private half wrapped by the master key. */
  static async newAuditSigningKey(provider: MasterKeyProvider, version = 1): Promise<{ stored: StoredDataKey; publicKey: KeyObject }> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const wrapped = await provider.wrap(der, dataKeyAad('audit_signing', version));
    der.fill(0);
    return { stored: { purpose: 'audit_signing', version, wrapped }, publicKey };
  }

  get hasAuditSigningKey(): boolean {
    return this.signingKeys.size > 0;
  }

  /** The newest audit signing version: everything signed from now on is signed with it. */
  get auditSigningVersion(): number {
    if (this.signingKeys.size === 0) throw new Error('audit signing key not loaded');
    return Math.max(...this.signingKeys.keys());
  }

  get auditSigningKey(): KeyObject {
    return this.signingKeys.get(this.auditSigningVersion) as KeyObject;
  }

  get auditPublicKey(): KeyObject {
    return createPublicKey(this.auditSigningKey);
  }

  /** The public half of every audit signing version, oldest first (what the trust list is built from). */
  get auditPublicKeys(): { version: number; publicKey: KeyObject }[] {
    return [...this.signingKeys.entries()].sort(([a], [b]) => a - b).map(([version, key]) => ({ version, publicKey: createPublicKey(key) }));
  }

  /** Keys the per-event seal of the audit log (derived from the blind-index key, domain-separated). */
  get auditSealKey(): Buffer {
    return this.suite.mac(this.blindIndexKey, 'castellan:audit-event-seal');
  }

  get hasAuditDetailKey(): boolean {
    return this.auditDetailKeys.size > 0;
  }

  /** The newest 'audit_detail' version: new audit events are sealed under it. */
  get auditDetailVersion(): number {
    if (this.auditDetailKeys.size === 0) throw new Error('audit data key not loaded');
    return Math.max(...this.auditDetailKeys.keys());
  }

  /** Seals the personal details of audit events (IP, user agent, reveal notes) and keys their pseudonyms. */
  auditDetailKey(version = this.auditDetailVersion): Buffer {
    const key = this.auditDetailKeys.get(version);
    if (!key) throw new IntegrityError(`no audit data key of version ${version}`);
    return key;
  }

  get blindIndexKey(): Buffer {
    if (!this.blindKey) throw new Error('blind index key not loaded');
    return this.blindKey;
  }

  private fieldKey(version: number): Buffer {
    const key = this.fieldKeys.get(version);
    if (!key) throw new IntegrityError(`no data key of version ${version}`);
    return key;
  }

  /** A new random key for a new data subject, wrapped under the current field data key. */
  newSubjectKey(subjectId: string, version = this.currentVersion, remember = true): { key: Buffer; wrapped: Buffer; version: number } {
    const key = randomBytes(32);
    const wrapped = sealBytes(this.suite, this.fieldKey(version), version, key, subjectKeyAad(subjectId));
    if (remember) this.remember(subjectId, version, key);
    return { key, wrapped, version };
  }

  subjectKey(subjectId: string, version: number, wrapped: Buffer): Buffer {
    const cacheKey = `${version}:${subjectId}`;
    const cached = this.subjectKeys.get(cacheKey);
    if (cached) {
      // Least recently used goes first: a hit moves the key to the end of the map's order.
      this.subjectKeys.delete(cacheKey);
      this.subjectKeys.set(cacheKey, cached);
      return cached;
    }
    const key = openBytes(this.fieldKey(version), wrapped, subjectKeyAad(subjectId), this.suite);
    this.remember(subjectId, version, key);
    return key;
  }

  forgetSubject(subjectId: string): void {
    for (const cacheKey of [...this.subjectKeys.keys()]) {
      if (cacheKey.endsWith(`:${subjectId}`)) this.subjectKeys.get(cacheKey)?.fill(0);
      if (cacheKey.endsWith(`:${subjectId}`)) this.subjectKeys.delete(cacheKey);
    }
  }

  private remember(subjectId: string, version: number, key: Buffer): void {
    if (this.subjectKeys.size >= this.cacheLimit) {
      const oldest = this.subjectKeys.keys().next().value;
      // Not zeroed: a caller may still be using it; the memory is reused by the GC.
      if (oldest !== undefined) this.subjectKeys.delete(oldest);
    }
    this.subjectKeys.set(`${version}:${subjectId}`, key);
  }

  async close(): Promise<void> {
    for (const key of this.fieldKeys.values()) key.fill(0);
    this.blindKey?.fill(0);
    for (const key of this.auditDetailKeys.values()) key.fill(0);
    this.subjectKeys.clear();
    await this.provider.close();
  }
}
