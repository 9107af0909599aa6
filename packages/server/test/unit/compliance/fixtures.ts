import { defaultRoles, retentionObjects, roleKeys } from '@castellan/shared';
import type { ComplianceState, StaffAccount } from '../../../src/modules/compliance/compliance-state.js';

export const NOW = new Date('2026-06-01T12:00:00Z');
export const daysAgo = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString();

export const defaultRoleGrants = roleKeys.map((key) => ({ key, administrator: defaultRoles[key].administrator, permissions: defaultRoles[key].permissions }));

export const account = (id: string, roles: string[], extra: Partial<StaffAccount> = {}): StaffAccount => ({
  id,
  status: 'active',
  roles,
  hasSecondFactor: true,
  adminKnownCredential: false,
  mustChangePassword: false,
  passwordChangedAt: daysAgo(10),
  lastLoginAt: daysAgo(1),
  createdAt: daysAgo(400),
  ...extra,
});

/** A state in which every computable check passes. */
export function healthyState(over: Partial<ComplianceState> = {}): ComplianceState {
  return {
    now: NOW,
    accounts: [account('u-sys', ['system_admin']), account('u-sec', ['security_admin']), account('u-rep', ['sales_rep'])],
    roles: defaultRoleGrants,
    bootstrapUserId: null,
    personalColumns: [{ table: 'contacts', column: 'email', sealed: 'email_enc' }],
    schema: new Map([['contacts', new Set(['id', 'email_enc', 'email_bidx'])]]),
    auditChain: { intact: true, events: 10, checkpoints: 2, problem: null },
    auditRetentionDays: 365,
    lastBackupAt: null,
    lastRestoreDrillAt: null,
    privacyRequests: [{ id: 'q1', status: 'in_progress', dueAt: daysAgo(-5) }],
    campaigns: [{ id: 'c1', status: 'active', purpose: 'marketing', channel: 'email' }],
    consents: [{ contactId: 'p1', purpose: 'marketing', channel: 'email', status: 'granted', at: daysAgo(3), expiresAt: null, givenBy: 'subject' }],
    dormant: { days: 90, autoDisable: false },
    accessReviews: [{ id: 'r1', status: 'closed', createdAt: daysAgo(20), dueAt: daysAgo(6), pending: 0 }],
    tls: { minVersion: 'TLSv1.2', ciphers: 'TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5' },
    passwordProfile: 'intl',
    fieldKeys: [{ version: 1, status: 'active', createdAt: daysAgo(30) }],
    records: {
      requirements: [{ activity: 'contacts', triggers: ['sensitive_pi'], articles: ['PIPL Art. 55(1)'], pipiaId: 'p1', state: 'current' }],
      transfers: [{ id: 't1', status: 'active', crossBorder: true, mechanism: 'standard_contract', flags: [], problems: [] }],
      ropa: { latestNumber: 3, outdated: false, stale: false },
    },
    retention: { rules: retentionObjects().map((object) => ({ object, enabled: true })), lastScheduledRunAt: daysAgo(0) },
    ...over,
  };
}
