import type { RequestContext } from '../audit/audit-event.js';
import { rotateAuditSigningKey, type SigningKeyRotation } from '../audit/rotate-signing-key.js';
import { signingKeyTrust } from '../audit/signing-keys.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { forbidden } from '../errors.js';
import { requireFreshSecondFactor } from '../identity/second-factor.js';
import type { Kernel } from '../kernel.js';
import { type RotationStatus, rotationStatus, startRotation } from './key-rotation.js';

/**
 * Key administration from the API: the security administrator (`keys.manage`) sees the key versions
 * and starts a rotation after a fresh second factor; the server's rotation worker does the
 * re-encryption (as after `castellan keys rotate --background`).
 */
export async function keyStatus(kernel: Kernel): Promise<RotationStatus> {
  return rotationStatus(kernel);
}

export async function requestKeyRotation(kernel: Kernel, actor: Actor, context: RequestContext): Promise<{ id: string; toVersion: number; resumed: boolean }> {
  if (!can(actor, 'keys.manage')) throw forbidden('missing permission keys.manage');
  if (actor.kind !== 'system') requireFreshSecondFactor(actor, 'a key rotation');
  return startRotation(kernel, actor, context);
}

export interface SigningKeyView {
  version: number;
  keyId: string;
  /** current: signs now; superseded: replaced, still verifies what it signed; revoked: compromised, trusted only where a newer key vouches. */
  status: 'current' | 'superseded' | 'revoked';
  revokedAt: string | null;
}

/** The audit signing keys, oldest first, each with what it is trusted for. */
export async function signingKeyStatus(kernel: Kernel): Promise<SigningKeyView[]> {
  const trust = await signingKeyTrust(kernel);
  const current = trust.current.keyId;
  return trust.entries.map((e) => ({
    version: e.version,
    keyId: e.keyId,
    status: e.revokedAt ? 'revoked' : e.keyId === current ? 'current' : 'superseded',
    revokedAt: e.revokedAt,
  }));
}

/** A rotation of the audit signing key from the API: `keys.manage` and a fresh second factor, as for the data keys. */
export async function requestSigningKeyRotation(kernel: Kernel, actor: Actor, context: RequestContext, revokePrevious: boolean): Promise<SigningKeyRotation> {
  if (!can(actor, 'keys.manage')) throw forbidden('missing permission keys.manage');
  if (actor.kind !== 'system') requireFreshSecondFactor(actor, 'a rotation of the audit signing key');
  return rotateAuditSigningKey(kernel, actor, { revokePrevious }, context);
}
