import type { RequestContext } from '../../platform/audit/audit-event.js';
import { can } from '../../platform/authz/access-policy.js';
import type { Actor } from '../../platform/authz/actor.js';
import { refusedLink } from '../../platform/data/access-package-store.js';
import { SubjectRights } from '../../platform/data/subject-rights.js';
import { forbidden } from '../../platform/errors.js';
import type { Kernel } from '../../platform/kernel.js';
import { type PackageFormat, packageContent } from './package-content.js';
import { newPassphrase, sealPackage } from './package-crypto.js';

export interface AccessPackage {
  /** Shown once: the officer sends it to the person over a second channel. Never stored. */
  passphrase: string;
  /** The single-use download token (stored only as a hash). */
  token: string;
  expiresAt: string;
  bytes: number;
}

/**
 * Builds a data subject's access / portability package: every record of the person (subject plan),
 * their search keys counted and their access history, read by the system actor with the request as
 * its audited reason, encrypted under a fresh passphrase, stored, and offered through a single-use
 * link that lapses within 24 hours. A restricted person's data is not exported (409), except to
 * answer their own request (a `requestId` is given).
 */
export async function buildAccessPackage(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  subjectId: string,
  options: { requestId?: string; format: PackageFormat },
): Promise<AccessPackage> {
  if (!can(actor, 'subjects.access')) throw forbidden('building an access package needs subjects.access');
  const passphrase = newPassphrase();
  const stored = await new SubjectRights(kernel).exportSubject(actor, context, subjectId, options, (records, createdAt) =>
    sealPackage(passphrase, packageContent(records, { requestId: options.requestId ?? null, createdAt: createdAt.toISOString(), format: options.format })),
  );
  return { passphrase, ...stored };
}

/** The encrypted package behind a link, once; a second use or a lapsed link is refused (410) after its refusal is audited. */
export async function downloadAccessPackage(kernel: Kernel, actor: Actor, context: RequestContext, token: string, now?: Date): Promise<Buffer> {
  const taken = await new SubjectRights(kernel).takePackage(actor, context, token, now);
  if ('refused' in taken) throw refusedLink(taken.refused);
  return taken.sealed;
}

/** Where a package is fetched: the staff route, and the portal page the person is sent (token in the fragment). */
export const packagePaths = (token: string) => ({
  downloadPath: `/api/v1/access-packages/${token}`,
  portalPath: `/privacy/package#token=${token}`,
});
