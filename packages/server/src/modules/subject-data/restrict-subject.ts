import type { RequestContext } from '../../platform/audit/audit-event.js';
import { can } from '../../platform/authz/access-policy.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { RestrictionReason } from '../../platform/data/subject-restrictions.js';
import { SubjectRights } from '../../platform/data/subject-rights.js';
import { forbidden } from '../../platform/errors.js';
import type { Kernel } from '../../platform/kernel.js';

/** Restricts (on) or lifts (off) the processing of a data subject; each change audited, a repeat changes nothing. */
export async function setRestriction(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  subjectId: string,
  on: boolean,
  options: { reason: RestrictionReason; requestId?: string },
): Promise<{ restricted: boolean; changed: boolean }> {
  if (!can(actor, 'subjects.restrict')) throw forbidden('restricting a person needs subjects.restrict');
  return new SubjectRights(kernel).restrict(actor, context, subjectId, { on, ...options });
}
