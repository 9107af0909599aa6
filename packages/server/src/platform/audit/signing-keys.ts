import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Kernel } from '../kernel.js';
import { publicKeyId } from './signing-key-id.js';

/**
 * Which audit signing keys this installation trusts, and for what. The audit log's Ed25519 key signs
 * checkpoints, backup manifests, the erasure ledger, drill results, reports and certificates. It can
 * be rotated (`castellan keys rotate-signing`): the newest version signs from then on, and an older
 * one still verifies what it signed — unless it was revoked as compromised. What a revoked key
 * signed is trusted only where something a trusted key signed later vouches for it through a hash
 * chain (a later backup manifest naming its hash, a later checkpoint covering its events); on its own
 * it is refused, with the key and the time of its revocation named.
 */
export interface SigningKeyEntry {
  version: number;
  keyId: string;
  publicKey: KeyObject;
  /** When the key was revoked as compromised; null while it is trusted. */
  revokedAt: string | null;
}

export class UntrustedSigningKey extends Error {}

/** Finds the key that verifies what `keyId` signed; throws UntrustedSigningKey naming why there is none. */
export type SigningKeyResolver = (keyId: string, what: string) => KeyObject;

export class SigningKeyTrust {
  private readonly byId: Map<string, SigningKeyEntry>;

  constructor(readonly entries: SigningKeyEntry[]) {
    this.byId = new Map(entries.map((e) => [e.keyId, e]));
    if (!entries.some((e) => e.revokedAt === null)) throw new Error('no trusted audit signing key: every one is revoked');
  }

  /** Trust in exactly the keys of a PEM file (`audit-public-key.pem`, or what an operator was given), none revoked. */
  static fromPem(pem: string): SigningKeyTrust {
    const blocks = pem.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
    if (blocks.length === 0) throw new Error('the file holds no PEM public key');
    return SigningKeyTrust.of(blocks.map((b) => createPublicKey(b)));
  }

  static of(keys: KeyObject[]): SigningKeyTrust {
    return new SigningKeyTrust(keys.map((publicKey, i) => ({ version: i + 1, keyId: publicKeyId(publicKey), publicKey, revokedAt: null })));
  }

  /** The key that signs now: the newest trusted one. */
  get current(): SigningKeyEntry {
    return this.entries.filter((e) => e.revokedAt === null).at(-1) as SigningKeyEntry;
  }

  entry(keyId: string): SigningKeyEntry | undefined {
    return this.byId.get(keyId);
  }

  /** Known and not revoked. */
  trusts(keyId: string): boolean {
    return this.byId.get(keyId)?.revokedAt === null;
  }

  /** Every key's PEM, oldest first: the file kept outside the database. */
  toPem(): string {
    return this.entries.map((e) => e.publicKey.export({ format: 'pem', type: 'spki' }).toString()).join('');
  }

  /** A resolver that accepts only trusted keys (what nothing later can vouch for: reports, certificates, drill results). */
  readonly resolve: SigningKeyResolver = (keyId, what) => {
    const entry = this.byId.get(keyId);
    if (!entry) throw new UntrustedSigningKey(`${what} is signed by key ${keyId}, which is not one of this installation's audit keys`);
    if (entry.revokedAt) throw new UntrustedSigningKey(`${what} is signed by key ${keyId}, revoked as compromised at ${entry.revokedAt}`);
    return entry.publicKey;
  };

  /** A resolver that also answers for revoked keys: for chained records whose caller checks that a trusted key vouches for them later. */
  readonly resolveEvenRevoked: SigningKeyResolver = (keyId, what) => {
    const entry = this.byId.get(keyId);
    if (!entry) throw new UntrustedSigningKey(`${what} is signed by key ${keyId}, which is not one of this installation's audit keys`);
    return entry.publicKey;
  };

  /** Why a record signed by `keyId` and not vouched for later is refused (a revoked key), or undefined. */
  unvouched(keyId: string, what: string): string | undefined {
    const revokedAt = this.byId.get(keyId)?.revokedAt;
    return revokedAt
      ? `${what} is signed by key ${keyId}, revoked as compromised at ${revokedAt}, and nothing signed by a trusted key after it vouches for it`
      : undefined;
  }
}

/** The trust list from the signing keys' public halves and the revocations recorded beside them. */
export function trustFrom(publicKeys: { version: number; publicKey: KeyObject }[], revocations: { version: number; revoked_at: string }[]): SigningKeyTrust {
  const revoked = new Map(revocations.map((r) => [Number(r.version), r.revoked_at]));
  return new SigningKeyTrust(
    publicKeys.map(({ version, publicKey }) => ({ version, keyId: publicKeyId(publicKey), publicKey, revokedAt: revoked.get(version) ?? null })),
  );
}

export async function readRevocations(db: Kysely<Database>): Promise<{ version: number; revoked_at: string }[]> {
  return db.selectFrom('audit_key_revocations').select(['version', 'revoked_at']).orderBy('version').execute();
}

/**
 * Loads signing versions the database holds but this process does not (a rotation by the CLI or
 * another node), so that nothing is signed with a key replaced — perhaps revoked — elsewhere.
 */
export async function refreshSigningKeys(kernel: Kernel): Promise<void> {
  const rows = await kernel.db.kysely
    .selectFrom('data_keys')
    .select(['version', 'wrapped'])
    .where('purpose', '=', 'audit_signing')
    .where('version', '>', kernel.keyring.auditSigningVersion)
    .orderBy('version')
    .execute();
  for (const row of rows) await kernel.keyring.addStoredKey({ purpose: 'audit_signing', version: Number(row.version), wrapped: Buffer.from(row.wrapped) });
}

/** This installation's trust list: every signing version (refreshed from the database), with the revocations recorded. */
export async function signingKeyTrust(kernel: Kernel): Promise<SigningKeyTrust> {
  await refreshSigningKeys(kernel);
  return trustFrom(kernel.keyring.auditPublicKeys, await readRevocations(kernel.db.kysely));
}
