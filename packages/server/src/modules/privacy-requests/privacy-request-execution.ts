import type { PrivacyRequestKind } from '@castellan/shared';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import type { Actor } from '../../platform/authz/actor.js';
import { requireFreshSecondFactor } from '../../platform/identity/second-factor.js';
import type { Kernel } from '../../platform/kernel.js';
import { type AccessPackage, buildAccessPackage, packagePaths } from '../subject-data/access-package.js';
import { eraseSubject } from '../subject-data/erase-subject.js';
import { setRestriction } from '../subject-data/restrict-subject.js';

/** The kinds whose carrying out reaches the subject's data in every table (the subject-data module). */
export const executableKinds: ReadonlySet<PrivacyRequestKind> = new Set(['access', 'portability', 'erasure', 'restriction']);

/** What carrying out a request did: the package behind its single-use link, the erasure's steps, or the restriction. */
export interface ExecutionResult {
  kind: PrivacyRequestKind;
  package?: AccessPackage & { downloadPath: string; portalPath: string };
  erasure?: { status: 'running' | 'done'; stepsDone: string[]; held: number };
  restriction?: { restricted: boolean; changed: boolean };
}

/**
 * Carries out an access, portability, erasure or restriction request of one data subject through
 * the subject-data module, with the request as the audited reason: the access / portability package
 * (encrypted, passphrase shown once, single-use link within 24 h), erasure by crypto-shredding as
 * resumable steps (legal holds kept), or restriction. Building a package and erasing need a fresh
 * second factor, as they do from the subject's own screen.
 */
export async function executeSubjectRequest(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  request: { id: string; kind: PrivacyRequestKind; format?: string | null },
  subjectId: string,
): Promise<ExecutionResult> {
  const requestId = request.id;
  switch (request.kind) {
    case 'access':
    case 'portability': {
      requireFreshSecondFactor(actor, 'building an access package');
      const format = request.kind === 'portability' && request.format === 'csv' ? 'csv' : 'json';
      const built = await buildAccessPackage(kernel, actor, context, subjectId, { requestId, format });
      return { kind: request.kind, package: { ...built, ...packagePaths(built.token) } };
    }
    case 'erasure': {
      requireFreshSecondFactor(actor, 'erasing a person');
      const erasure = await eraseSubject(kernel, actor, context, subjectId, { requestId });
      return { kind: request.kind, erasure: { status: erasure.status, stepsDone: [...erasure.stepsDone], held: erasure.held } };
    }
    case 'restriction':
      return { kind: request.kind, restriction: await setRestriction(kernel, actor, context, subjectId, true, { reason: 'subject_request', requestId }) };
    default:
      throw new Error(`${request.kind} is not carried out through subject-data`);
  }
}
