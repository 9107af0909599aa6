import type { Actor } from '../authz/actor.js';
import { Keyring } from '../crypto/keyring.js';
import { nowIso } from '../data/ids.js';
import { conflict } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { noRequest, type RequestContext } from './audit-event.js';
import { rewriteCheckpointKeyFile, writeCheckpoint } from './checkpoints.js';
import { publicKeyId } from './signing-key-id.js';
import { refreshSigningKeys, signingKeyTrust } from './signing-keys.js';

export interface SigningKeyRotation {
  fromVersion: number;
  fromKeyId: string;
  toVersion: number;
  toKeyId: string;
  /** The replaced key was revoked as compromised (what it signed is trusted only where the new key vouches for it). */
  revoked: boolean;
  /** The checkpoint the new key signed at once, covering every event so far. */
  checkpointSeq: number | null;
}

/**
 * `castellan keys rotate-signing`: a new Ed25519 audit signing key (its private half wrapped by the
 * master key) signs everything from now on. The replaced key keeps verifying what it signed, unless
 * `revokePrevious` (it leaked): then it is recorded as revoked, and what it signed is trusted only
 * where the new key vouches for it — the checkpoint written at once covers every event so far, the
 * next backup names the previous manifest's hash, the next ledger sync chains the erasure ledger.
 *
 * Order: the key file outside the database first lists the new key (a listed key the database lacks
 * is harmless), then the new key, the revocation and the audit event commit together, the file is
 * written again from what the database holds (also when another rotation took the version first: 409),
 * then the checkpoint. A crash in between leaves either the old state or the new one, each verifiable.
 */
export async function rotateAuditSigningKey(
  kernel: Kernel,
  actor: Actor,
  options: { revokePrevious: boolean },
  context: RequestContext = noRequest,
): Promise<SigningKeyRotation> {
  await refreshSigningKeys(kernel);
  const fromVersion = kernel.keyring.auditSigningVersion;
  const fromKeyId = publicKeyId(kernel.keyring.auditPublicKey);
  const toVersion = fromVersion + 1;
  const { stored, publicKey } = await Keyring.newAuditSigningKey(kernel.keyring.provider, toVersion);
  const toKeyId = publicKeyId(publicKey);
  await rewriteCheckpointKeyFile(kernel, (await signingKeyTrust(kernel)).toPem() + publicKey.export({ format: 'pem', type: 'spki' }).toString());
  try {
    await kernel.transaction(async (tx) => {
      await tx.trx
        .insertInto('data_keys')
        .values({ ...stored, suite: kernel.suite.id, kek_id: kernel.keyring.provider.keyId, status: 'active', created_at: nowIso() })
        .execute();
      if (options.revokePrevious)
        await tx.trx.insertInto('audit_key_revocations').values({ key_id: fromKeyId, version: fromVersion, revoked_at: nowIso() }).execute();
      await tx.audit(actor, context, {
        action: 'key.signing.rotated',
        outcome: 'success',
        resource: 'data_keys',
        resourceId: `audit_signing:${toVersion}`,
        detail: { fromVersion, fromKeyId, toVersion, toKeyId, revoked: options.revokePrevious },
      });
    });
  } catch (error) {
    await rewriteCheckpointKeyFile(kernel, (await signingKeyTrust(kernel)).toPem());
    if (kernel.keyring.auditSigningVersion >= toVersion) throw conflict(`another rotation made signing key version ${toVersion} at the same time`);
    throw error;
  }
  // The file ends listing exactly the versions the database holds (this also loads the new key here).
  await rewriteCheckpointKeyFile(kernel, (await signingKeyTrust(kernel)).toPem());
  const checkpoint = await writeCheckpoint(kernel);
  return { fromVersion, fromKeyId, toVersion, toKeyId, revoked: options.revokePrevious, checkpointSeq: checkpoint?.seq ?? null };
}
