/**
 * The kinds of audit event, as a typed union of action names. No event ever carries a personal
 * value: events name data subjects (by id) and fields (by name), never their contents.
 */
export const auditActions = [
  'system.init',
  'auth.token.created',
  'auth.token.revoked',
  'auth.login.succeeded',
  'auth.login.password_ok',
  'auth.login.failed',
  'auth.login.throttled',
  'auth.mfa.succeeded',
  'auth.mfa.failed',
  'auth.mfa.enrolled',
  'auth.mfa.reset',
  'auth.mfa.throttled',
  'auth.passkey.registered',
  'auth.passkey.removed',
  'auth.passkey.failed',
  'auth.step_up',
  'auth.logout',
  'auth.session.revoked',
  'auth.unlocked',
  'auth.password.changed',
  'auth.password.reset_requested',
  'auth.password.reset_refused',
  'auth.password.reset',
  'auth.password.change_failed',
  'auth.sso.succeeded',
  'auth.sso.refused',
  'auth.sso.failed',
  'auth.sso.link_required',
  'auth.sso.linked',
  'auth.sso.link_refused',
  'personal_data.reveal',
  'personal_data.export',
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.roles.changed',
  'role.changed',
  'access_review.started',
  'access_review.decided',
  'access_review.closed',
  'user.created',
  'team.created',
  'personal_data.read',
  'personal_data.search',
  'record.created',
  'record.updated',
  'record.deleted',
  'record.exported',
  'access.refused',
  'audit.verified',
  'compliance.report_generated',
  'audit.archived',
  'audit.read',
  'key.rotation.started',
  'key.rotation.batch',
  'key.rotation.finished',
  'key.signing.rotated',
  'auth.token.narrowed',
  'auth.enrolment.issued',
  'auth.enrolment.completed',
  'auth.enrolment.refused',
  'auth.credentials.withdrawn',
  'subject.restricted',
  'subject.restriction_lifted',
  'subject.use_refused',
  'subject.legal_hold_placed',
  'subject.legal_hold_released',
  'subject.access_package_created',
  'subject.access_package_downloaded',
  'subject.access_package_refused',
  'subject.erasure_started',
  'subject.erasure_step',
  'subject.erasure_finished',
  'breach.created',
  'breach.read',
  'breach.updated',
  'breach.notification.recorded',
  'breach.subjects.found',
  'breach.subjects.read',
  'breach.escalated',
  'retention.rule.created',
  'retention.rule.updated',
  'retention.rule.deleted',
  'retention.run.started',
  'retention.run.batch',
  'retention.run.finished',
  'retention.certificate.downloaded',
  'privacy_request.verification_failed',
  'portal_consent.verification_failed',
  'records.controller.updated',
  'records.controller.read',
  'records.ropa.generated',
  'records.ropa.exported',
  'records.pipia.created',
  'records.pipia.findings.updated',
  'records.pipia.findings.read',
  'records.pipia.revised',
  'records.pipia.approved',
  'records.pipia.deleted',
  'records.pipia.delete_refused',
  'records.transfer.created',
  'records.transfer.updated',
  'backup.started',
  'backup.created',
  'backup.failed',
  'backup.verified',
  'backup.restored',
  'backup.drill',
  'backup.pruned',
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface RequestContext {
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const noRequest: RequestContext = { requestId: null, ip: null, userAgent: null };

export interface AuditEventInput {
  action: AuditAction;
  outcome: 'success' | 'failure' | 'refused';
  resource?: string;
  resourceId?: string;
  subjectIds?: string[];
  fields?: string[];
  /** Non-personal details only (counts, field names, reason codes, key versions, error names — never error messages). */
  detail?: Record<string, unknown>;
  /** Free text typed by staff (a reveal note): sealed under the audit key, never stored in the clear. */
  note?: string;
}
