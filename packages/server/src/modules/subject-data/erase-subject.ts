import type { RequestContext } from '../../platform/audit/audit-event.js';
import { noRequest } from '../../platform/audit/audit-event.js';
import { can } from '../../platform/authz/access-policy.js';
import type { Actor } from '../../platform/authz/actor.js';
import { asSystem } from '../../platform/data/as-system.js';
import { type ErasureStep, erasureSteps } from '../../platform/data/subject-erasure-steps.js';
import type { ErasureRecord } from '../../platform/data/subject-erasures.js';
import { SubjectRights } from '../../platform/data/subject-rights.js';
import { forbidden } from '../../platform/errors.js';
import type { Kernel } from '../../platform/kernel.js';

export interface ErasureHooks {
  /** Called after each step has committed (tests inject a crash here). */
  afterStep?: (step: ErasureStep) => Promise<void> | void;
}

/**
 * Erases a data subject: search keys first (blind indexes cleared, name tokens deleted), then custom
 * values, sealed values, pending access packages, and the subject key (crypto-shredding) — except
 * the records under a legal hold, which keep their values and, while any hold stands, the key. Each
 * step commits with its record in `subject_erasures`; a crash leaves the erasure `running`, and the
 * next call (or `resumeErasures` at start-up) continues from the first step not done.
 */
export async function eraseSubject(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  subjectId: string,
  options: { requestId?: string } = {},
  hooks: ErasureHooks = {},
): Promise<ErasureRecord> {
  if (!can(actor, 'subjects.erase')) throw forbidden('erasing a person needs subjects.erase');
  const rights = new SubjectRights(kernel);
  const erasure = await rights.openErasure(actor, context, subjectId, options.requestId ?? null);
  return continueErasure(rights, actor, context, erasure, hooks);
}

async function continueErasure(
  rights: SubjectRights,
  actor: Actor,
  context: RequestContext,
  start: ErasureRecord,
  hooks: ErasureHooks,
): Promise<ErasureRecord> {
  let erasure = start;
  for (const step of erasureSteps) {
    if (erasure.stepsDone.includes(step)) continue;
    erasure = await rights.erasureStep(actor, context, erasure, step);
    await hooks.afterStep?.(step);
  }
  await rights.flushErasedPages();
  return erasure;
}

/** Finishes every erasure a crash or a stop left half way (run at start-up); answers how many. */
export async function resumeErasures(kernel: Kernel): Promise<number> {
  const rights = new SubjectRights(kernel);
  const pending = await rights.unfinishedErasures();
  const system = asSystem('resume an erasure interrupted before it finished');
  for (const erasure of pending) await continueErasure(rights, system, noRequest, erasure, {});
  return pending.length;
}
