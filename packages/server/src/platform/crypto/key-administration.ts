import type { RequestContext } from '../audit/audit-event.js';
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
