import { retentionObjects } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { checkIds } from '../../../src/modules/compliance/compliance-check.js';
import type { ComplianceState } from '../../../src/modules/compliance/compliance-state.js';
import { evaluateChecks } from '../../../src/modules/compliance/evaluate-checks.js';
import { account, daysAgo, healthyState } from './fixtures.js';
import { recordsCases } from './records-cases.js';

type Case = [name: string, check: string, over: Partial<ComplianceState>, status: 'passing' | 'failing', evidence?: Record<string, unknown>];

const cases: Case[] = [
  ['healthy: MFA on every protected account', 'mfa_coverage', {}, 'passing', { accountsWithoutMfa: 0 }],
  [
    'a sales rep without a second factor',
    'mfa_coverage',
    { accounts: [account('u1', ['sales_rep'], { hasSecondFactor: false })] },
    'failing',
    { userIds: ['u1'] },
  ],
  [
    'an auditor (administrator role) without a second factor',
    'mfa_coverage',
    { accounts: [account('u2', ['auditor'], { hasSecondFactor: false })] },
    'failing',
    { userIds: ['u2'] },
  ],
  [
    'a disabled account without MFA does not count',
    'mfa_coverage',
    { accounts: [account('u3', ['sales_rep'], { hasSecondFactor: false, status: 'disabled' })] },
    'passing',
  ],
  ['a user with no role needs no MFA', 'mfa_coverage', { accounts: [account('u4', [], { hasSecondFactor: false })] }, 'passing'],
  ['sealed column only', 'encryption_coverage', {}, 'passing'],
  [
    'a plaintext email column beside the sealed one',
    'encryption_coverage',
    { schema: new Map([['contacts', new Set(['id', 'email', 'email_enc'])]]) },
    'failing',
    { plaintextColumns: ['contacts.email'] },
  ],
  [
    'the sealed column is gone',
    'encryption_coverage',
    { schema: new Map([['contacts', new Set(['id'])]]) },
    'failing',
    { missingSealedColumns: ['contacts.email_enc'] },
  ],
  ['chain intact', 'audit_chain', {}, 'passing'],
  ['chain altered', 'audit_chain', { auditChain: { intact: false, events: 3, checkpoints: 1, problem: 'altered' } }, 'failing', { problem: 'altered' }],
  ['retention 184 days', 'log_retention', { auditRetentionDays: 184 }, 'passing'],
  ['retention 183 days', 'log_retention', { auditRetentionDays: 183 }, 'failing', { retentionDays: 183 }],
  ['no backup recorded', 'backup_age', {}, 'failing', { lastBackupAt: null }],
  ['backup from today', 'backup_age', { lastBackupAt: daysAgo(0) }, 'passing'],
  ['backup from 3 days ago', 'backup_age', { lastBackupAt: daysAgo(3) }, 'failing', { ageDays: 3 }],
  ['no restore drill recorded', 'restore_drill', {}, 'failing'],
  ['drill 7 days ago', 'restore_drill', { lastRestoreDrillAt: daysAgo(7) }, 'passing'],
  ['drill 9 days ago', 'restore_drill', { lastRestoreDrillAt: daysAgo(9) }, 'failing'],
  ['drill 30 days ago', 'restore_drill', { lastRestoreDrillAt: daysAgo(30) }, 'failing'],
  ['no request past its deadline', 'overdue_requests', {}, 'passing'],
  ['no request at all', 'overdue_requests', { privacyRequests: [] }, 'passing'],
  ['an unverified request has no clock yet', 'overdue_requests', { privacyRequests: [{ id: 'q2', status: 'unverified', dueAt: null }] }, 'passing'],
  [
    'in progress, due yesterday',
    'overdue_requests',
    { privacyRequests: [{ id: 'q3', status: 'in_progress', dueAt: daysAgo(1) }] },
    'failing',
    { requestIds: ['q3'] },
  ],
  [
    'awaiting the requester, past due',
    'overdue_requests',
    { privacyRequests: [{ id: 'q4', status: 'awaiting_requester', dueAt: daysAgo(2) }] },
    'failing',
    { overdue: 1 },
  ],
  [
    'completed after its due date: finished, not overdue',
    'overdue_requests',
    { privacyRequests: [{ id: 'q5', status: 'completed', dueAt: daysAgo(9) }] },
    'passing',
  ],
  ['refused: finished', 'overdue_requests', { privacyRequests: [{ id: 'q6', status: 'refused', dueAt: daysAgo(9) }] }, 'passing'],
  ['training: none recorded', 'training_coverage', {}, 'failing', { evidence: 'no training recorded' }],
  ['an active campaign with a known purpose and channel', 'consent_coverage', {}, 'passing', { consentedAudiencePerCampaign: ['c1:1'] }],
  [
    'a withdrawal after the grant leaves nobody consented (still gated)',
    'consent_coverage',
    {
      consents: [
        { contactId: 'p1', purpose: 'marketing', channel: 'email', status: 'granted', at: daysAgo(5), expiresAt: null, givenBy: 'subject' },
        { contactId: 'p1', purpose: 'marketing', channel: 'email', status: 'withdrawn', at: daysAgo(2), expiresAt: null, givenBy: 'subject' },
      ],
    },
    'passing',
    { consentedAudiencePerCampaign: ['c1:0'] },
  ],
  [
    'an active campaign with an unknown channel',
    'consent_coverage',
    { campaigns: [{ id: 'c9', status: 'active', purpose: 'marketing', channel: 'fax' }] },
    'failing',
    { campaignsWithoutConsentGate: ['c9'] },
  ],
  [
    'a draft campaign with an unknown channel is not running',
    'consent_coverage',
    { campaigns: [{ id: 'c9', status: 'draft', purpose: 'marketing', channel: 'fax' }] },
    'passing',
  ],
  [
    'an unreadable ledger entry',
    'consent_coverage',
    { consents: [{ contactId: 'p1', purpose: 'marketing', channel: 'email', status: 'maybe', at: daysAgo(1), expiresAt: null, givenBy: 'subject' }] },
    'failing',
    { unreadableLedgerEntries: 1 },
  ],
  ['no dormant account', 'dormant_accounts', {}, 'passing'],
  ['signed in 91 days ago', 'dormant_accounts', { accounts: [account('u5', ['sales_rep'], { lastLoginAt: daysAgo(91) })] }, 'failing', { userIds: ['u5'] }],
  ['never signed in, created 100 days ago', 'dormant_accounts', { accounts: [account('u6', [], { lastLoginAt: null, createdAt: daysAgo(100) })] }, 'failing'],
  ['never signed in, created yesterday', 'dormant_accounts', { accounts: [account('u7', [], { lastLoginAt: null, createdAt: daysAgo(1) })] }, 'passing'],
  ['dormant but disabled', 'dormant_accounts', { accounts: [account('u8', [], { lastLoginAt: daysAgo(300), status: 'disabled' })] }, 'passing'],
  ['a review 20 days ago', 'access_review', {}, 'passing'],
  ['no review ever', 'access_review', { accessReviews: [] }, 'failing', { lastReviewId: null }],
  [
    'last review 100 days ago',
    'access_review',
    { accessReviews: [{ id: 'r1', status: 'closed', createdAt: daysAgo(100), dueAt: daysAgo(86), pending: 0 }] },
    'failing',
  ],
  [
    'a recent review past due with decisions pending',
    'access_review',
    { accessReviews: [{ id: 'r2', status: 'open', createdAt: daysAgo(30), dueAt: daysAgo(16), pending: 3 }] },
    'failing',
    { overdueReviewIds: ['r2'] },
  ],
  [
    'an open review not yet due',
    'access_review',
    { accessReviews: [{ id: 'r3', status: 'open', createdAt: daysAgo(2), dueAt: daysAgo(-12), pending: 3 }] },
    'passing',
  ],
  ['default roles, one duty each', 'separation_of_duties', {}, 'passing'],
  [
    'a user holding system and audit administration',
    'separation_of_duties',
    { accounts: [account('u9', ['system_admin', 'audit_admin'])] },
    'failing',
    { usersBreakingSeparation: ['u9'] },
  ],
  [
    'a security admin who also reads contacts',
    'separation_of_duties',
    { accounts: [account('u10', ['security_admin', 'sales_rep'])] },
    'failing',
    { usersBreakingSeparation: ['u10'] },
  ],
  [
    'the first administrator with the bootstrap pair',
    'separation_of_duties',
    { accounts: [account('u11', ['system_admin', 'security_admin'])], bootstrapUserId: 'u11' },
    'passing',
  ],
  [
    'someone else with the bootstrap pair',
    'separation_of_duties',
    { accounts: [account('u12', ['system_admin', 'security_admin'])], bootstrapUserId: 'u11' },
    'failing',
  ],
  ['an auditor with audit administration is allowed', 'separation_of_duties', { accounts: [account('u13', ['auditor', 'audit_admin'])] }, 'passing'],
  [
    'a role edited to hold two duties',
    'separation_of_duties',
    { roles: [{ key: 'audit_admin', administrator: true, permissions: ['audit.read', 'users.manage'] }], accounts: [] },
    'failing',
    { rolesBreakingSeparation: ['audit_admin'] },
  ],
  ['TLS 1.2 with strong ciphers', 'tls_settings', {}, 'passing'],
  ['TLS 1.3 only', 'tls_settings', { tls: { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' } }, 'passing'],
  ['TLS 1.0 accepted', 'tls_settings', { tls: { minVersion: 'TLSv1', ciphers: 'HIGH' } }, 'failing', { minVersion: 'TLSv1' }],
  ['RC4 enabled', 'tls_settings', { tls: { minVersion: 'TLSv1.2', ciphers: 'HIGH:RC4-SHA' } }, 'failing', { weakCiphers: ['RC4-SHA'] }],
  ['3DES enabled', 'tls_settings', { tls: { minVersion: 'TLSv1.2', ciphers: 'DES-CBC3-SHA:HIGH' } }, 'failing'],
  ['NULL enabled', 'tls_settings', { tls: { minVersion: 'TLSv1.2', ciphers: 'HIGH:eNULL' } }, 'failing'],
  ['ALL enabled', 'tls_settings', { tls: { minVersion: 'TLSv1.2', ciphers: 'ALL' } }, 'failing'],
  ['healthy admins', 'admin_password_policy', {}, 'passing'],
  [
    'an administrator still on a password the installer chose',
    'admin_password_policy',
    { accounts: [account('u14', ['security_admin'], { adminKnownCredential: true })] },
    'failing',
    { credentialKnownToAnotherUserIds: ['u14'] },
  ],
  [
    'a sales rep on a handed-over password is not an administrator',
    'admin_password_policy',
    { accounts: [account('u15', ['sales_rep'], { adminKnownCredential: true })] },
    'passing',
  ],
  [
    'cn-mlps3: admin password 100 days old',
    'admin_password_policy',
    { passwordProfile: 'cn-mlps3', accounts: [account('u16', ['audit_admin'], { passwordChangedAt: daysAgo(100) })] },
    'failing',
    { passwordTooOldUserIds: ['u16'] },
  ],
  [
    'intl: admin password 400 days old',
    'admin_password_policy',
    { accounts: [account('u17', ['audit_admin'], { passwordChangedAt: daysAgo(400) })] },
    'passing',
  ],
  ['an unknown profile', 'admin_password_policy', { passwordProfile: 'lax' }, 'failing'],
  ['key 30 days old', 'key_rotation', {}, 'passing'],
  ['key 400 days old', 'key_rotation', { fieldKeys: [{ version: 1, status: 'active', createdAt: daysAgo(400) }] }, 'failing', { ageDays: 400 }],
  [
    'rotated: the newest active version counts',
    'key_rotation',
    {
      fieldKeys: [
        { version: 1, status: 'retired', createdAt: daysAgo(800) },
        { version: 2, status: 'active', createdAt: daysAgo(5) },
      ],
    },
    'passing',
    { currentVersion: 2 },
  ],
  ['no active key', 'key_rotation', { fieldKeys: [] }, 'failing'],
  ...recordsCases,
  ['every personal object covered, run today', 'retention_rules', {}, 'passing', { uncoveredObjects: [] }],
  [
    'no rule for cases',
    'retention_rules',
    {
      retention: {
        rules: retentionObjects()
          .filter((o) => o !== 'cases')
          .map((object) => ({ object, enabled: true })),
        lastScheduledRunAt: daysAgo(0),
      },
    },
    'failing',
    { uncoveredObjects: ['cases'] },
  ],
  [
    'the rule for devices is disabled',
    'retention_rules',
    { retention: { rules: retentionObjects().map((object) => ({ object, enabled: object !== 'devices' })), lastScheduledRunAt: daysAgo(0) } },
    'failing',
    { uncoveredObjects: ['devices'] },
  ],
  [
    'the last scheduled run is two days old',
    'retention_rules',
    { retention: { rules: retentionObjects().map((object) => ({ object, enabled: true })), lastScheduledRunAt: daysAgo(2) } },
    'failing',
  ],
  [
    'no scheduled run yet',
    'retention_rules',
    { retention: { rules: retentionObjects().map((object) => ({ object, enabled: true })), lastScheduledRunAt: null } },
    'failing',
  ],
];

describe('compliance checks', () => {
  it.each(cases)('%s → %s %s', (_name, id, over, status, evidence) => {
    const result = evaluateChecks(healthyState(over)).find((c) => c.id === id);
    expect(result?.status).toBe(status);
    if (evidence) expect(result?.evidence).toMatchObject(evidence);
  });

  it('answers every check, each mapped to controls of several frameworks', () => {
    const results = evaluateChecks(healthyState());
    expect(results.map((r) => r.id)).toEqual([...checkIds]);
    for (const r of results) {
      expect(new Set(r.controls.map((c) => c.framework)).size, r.id).toBeGreaterThanOrEqual(3);
      expect(r.reason.length).toBeGreaterThan(0);
    }
  });

  it('every check has a failing case and (except the placeholders) a passing case in the table', () => {
    for (const id of checkIds) {
      expect(
        cases.some((c) => c[1] === id && c[3] === 'failing'),
        id,
      ).toBe(true);
      if (id !== 'training_coverage')
        expect(
          cases.some((c) => c[1] === id && c[3] === 'passing'),
          id,
        ).toBe(true);
    }
  });
});
