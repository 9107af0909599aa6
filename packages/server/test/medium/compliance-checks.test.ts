import { retentionObjects } from '@castellan/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complianceChecks } from '../../src/modules/compliance/compliance.service.js';
import { type CheckId, type CheckResult, checkIds } from '../../src/modules/compliance/compliance-check.js';
import { verifyReport } from '../../src/modules/compliance/report-signature.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { checkpointSignatureValid, publicKeyId, writeCheckpoint } from '../../src/platform/audit/checkpoints.js';
import { SigningKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { userActor } from '../../src/platform/authz/actor.js';
import { startRotation } from '../../src/platform/crypto/key-rotation.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { disableDormantUsers, startAccessReview } from '../../src/platform/identity/access-reviews.js';
import type { Kernel } from '../../src/platform/kernel.js';
import { createRetentionRule } from '../../src/platform/retention/retention-rules.js';
import { startRetentionRun } from '../../src/platform/retention/retention-runs.js';
import { apiCallers } from '../helpers/api-callers.js';
import { asDatabaseAdministrator } from '../helpers/database-administrator.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall, TestUser } from '../helpers/test-install.js';

/**
 * The compliance dashboard's checks over a real installation: each computable check fails on a
 * seeded violation, with evidence naming what is wrong (ids, role names, column names), and passes
 * again once the violation is fixed; the checks that cannot be computed yet (backup, restore drill,
 * overdue requests, training) fail and never pass. The auditor reads checks and the signed report
 * and sees no personal value; the report verifies, and fails after one byte is changed.
 */
const PLANTED = { name: 'Quillonfeather Zarvanti', email: 'planted.zarvanti@plant.example', phone: '+86 139 1122 3344', staff: 'staffplant.qx@example.com' };

describe.each(testDialects)('compliance checks on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, addCallers } = apiCallers(() => app);
  let users: Record<'auditor' | 'seller' | 'marketing' | 'security' | 'audit', TestUser>;
  const kernel = () => install.kernel;
  const db = () => install.kernel.db.kysely;
  const run = async (k: Kernel = kernel()) => (await complianceChecks(k, { refresh: true })).checks;
  const check = async (id: CheckId, k?: Kernel): Promise<CheckResult> => (await run(k)).find((c) => c.id === id) as CheckResult;
  const giveSecondFactor = (ids: string[]) =>
    db()
      .updateTable('users')
      .set({ totp_secret_enc: Buffer.from('seeded second factor'), mfa_enrolled_at: new Date().toISOString() })
      .where('id', 'in', ids)
      .execute();
  /** The same kernel as a server started with other settings. */
  const withConfig = (change: (config: Kernel['config']) => Kernel['config']): Kernel => ({ ...kernel(), config: change(kernel().config) });

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    users = await addCallers(install.kernel, {
      auditor: [['auditor']],
      seller: [['sales_manager'], 'North'],
      marketing: [['marketing'], 'North'],
      security: [['security_admin']],
      audit: [['audit_admin']],
      privacy: [['privacy_officer']],
    });
    const made = await call('seller', 'POST', '/api/v1/contacts', { name: PLANTED.name, email: PLANTED.email, phone: PLANTED.phone });
    expect(made.statusCode, made.body).toBe(201);
    const consent = await call('seller', 'POST', '/api/v1/consents', {
      contactId: made.json().id,
      purpose: 'newsletter',
      channel: 'email',
      status: 'granted',
      at: '2026-01-05T09:00:00Z',
      source: 'web_form',
      evidence: `form of ${PLANTED.name}`,
    });
    expect([201, 403]).toContain(consent.statusCode);
    const campaign = await call('marketing', 'POST', '/api/v1/campaigns', { name: 'Spring', purpose: 'newsletter', channel: 'email', status: 'active' });
    expect(campaign.statusCode, campaign.body).toBe(201);
    // The healthy baseline: every protected account has a second factor, access was reviewed.
    const all = await db().selectFrom('users').select('id').execute();
    await giveSecondFactor(all.map((u) => u.id));
    await startAccessReview(kernel(), users.security.actor, noRequest, 14);
    // Retention: every personal object covered by an enabled rule, and a scheduled run just finished.
    const officer = userActor({ id: 'retention-officer', teamId: null }, ['privacy_officer'], {
      id: 'test-session',
      kind: 'full',
      mfaAt: new Date().toISOString(),
    });
    for (const object of retentionObjects())
      await createRetentionRule(kernel(), officer, noRequest, {
        object,
        purpose: object === 'consents' ? 'marketing' : 'legal_obligation',
        action: 'anonymise',
        trigger: 'inactivity',
        days: 36_500,
        enabled: true,
      });
    await startRetentionRun(kernel(), asSystem('test: scheduled retention run'), noRequest, { kind: 'scheduled', dryRun: false });
    await writeCheckpoint(kernel());
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('passes every computable check on a healthy installation; the not-yet-computable ones fail', async () => {
    const checks = await run();
    const failing = checks.filter((c) => c.status === 'failing').map((c) => c.id);
    expect(
      failing.sort(),
      JSON.stringify(
        checks.filter((c) => c.status === 'failing'),
        null,
        1,
      ),
      // A fresh installation has assessed nothing yet and generated no RoPA: the records checks fail (test/medium/processing-records.test.ts).
    ).toEqual(['backup_age', 'restore_drill', 'training_coverage', 'pipia_current', 'ropa_current'].sort());
    expect((await check('backup_age')).reason).toBe('no backup recorded');
  });

  it('overdue requests: a request past its deadline unfinished fails the check; answering and completing it fixes it', async () => {
    const made = await call('privacy', 'POST', '/api/v1/privacy-requests', {
      kind: 'objection',
      law: 'gdpr',
      requesterEmail: PLANTED.email,
      status: 'verified',
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id as string;
    expect(await check('overdue_requests')).toMatchObject({ status: 'passing', evidence: { openRequests: 1, overdue: 0 } });
    // The deadline passes (the clock moved on without an answer).
    await db()
      .updateTable('privacy_requests' as never)
      .set({ due_at: new Date(Date.now() - 86_400_000).toISOString() } as never)
      .where('id' as never, '=', id as never)
      .execute();
    expect(await check('overdue_requests')).toMatchObject({ status: 'failing', evidence: { overdue: 1, requestIds: [id] } });
    expect(
      (await call('privacy', 'POST', `/api/v1/privacy-requests/${id}/respond`, { response: 'We stopped the processing you objected to' })).statusCode,
    ).toBe(200);
    expect((await call('privacy', 'POST', `/api/v1/privacy-requests/${id}/complete`, {})).statusCode).toBe(200);
    expect(await check('overdue_requests')).toMatchObject({ status: 'passing', evidence: { overdue: 0 } });
  });

  it('MFA: a sales rep without a second factor fails the check, enrolling fixes it', async () => {
    const rep = await addCallers(kernel(), { rep: [['sales_rep'], 'North'] });
    const failed = await check('mfa_coverage');
    expect(failed.status).toBe('failing');
    expect(failed.evidence.userIds).toEqual([rep.rep.id]);
    expect(failed.evidence.rolesRequiringMfa).toContain('sales_rep');
    await giveSecondFactor([rep.rep.id]);
    expect((await check('mfa_coverage')).status).toBe('passing');
  });

  it('encryption: a plaintext personal column added to contacts fails the check, dropping it fixes it', async () => {
    await asDatabaseAdministrator(kernel(), (owner) => sql`ALTER TABLE contacts ADD COLUMN email TEXT`.execute(owner));
    const failed = await check('encryption_coverage');
    expect(failed).toMatchObject({ status: 'failing', evidence: { plaintextColumns: ['contacts.email'] } });
    await asDatabaseAdministrator(kernel(), (owner) => sql`ALTER TABLE contacts DROP COLUMN email`.execute(owner));
    expect((await check('encryption_coverage')).status).toBe('passing');
  });

  it('audit chain: a tampered row fails the check, restoring it fixes it', async () => {
    const row = await db().selectFrom('audit_events').select(['seq', 'outcome']).orderBy('seq').limit(1).offset(3).executeTakeFirstOrThrow();
    await asDatabaseAdministrator(kernel(), (owner) =>
      owner
        .updateTable('audit_events')
        .set({ outcome: row.outcome === 'success' ? 'failure' : 'success' })
        .where('seq', '=', row.seq)
        .execute(),
    );
    expect(await check('audit_chain')).toMatchObject({ status: 'failing', evidence: { intact: false, problem: 'altered' } });
    await asDatabaseAdministrator(kernel(), (owner) => owner.updateTable('audit_events').set({ outcome: row.outcome }).where('seq', '=', row.seq).execute());
    expect((await check('audit_chain')).status).toBe('passing');
  });

  it('retention: a server configured to keep audit events 90 days fails, 184 passes', async () => {
    const short = withConfig((c) => ({ ...c, auditRetention: { ...c.auditRetention, days: 90 } }));
    expect(await check('log_retention', short)).toMatchObject({ status: 'failing', evidence: { retentionDays: 90 } });
    const enough = withConfig((c) => ({ ...c, auditRetention: { ...c.auditRetention, days: 184 } }));
    expect((await check('log_retention', enough)).status).toBe('passing');
  });

  it('TLS: a server configured with RC4 fails, its default cipher list passes', async () => {
    const weak = withConfig((c) => ({ ...c, tls: { ...c.tls, settings: { ...c.tls.settings, ciphers: 'HIGH:RC4-SHA' } } }));
    expect(await check('tls_settings', weak)).toMatchObject({ status: 'failing', evidence: { weakCiphers: ['RC4-SHA'] } });
    expect(await check('tls_settings')).toMatchObject({ status: 'passing', evidence: { minVersion: 'TLSv1.2' } });
  });

  it('dormant accounts: a user without a sign-in for 200 days fails, the dormant-accounts job disabling it fixes it', async () => {
    const { idle } = await addCallers(kernel(), { idle: [['sales_rep'], 'North'] });
    await giveSecondFactor([idle.id]);
    const old = new Date(Date.now() - 200 * 86_400_000).toISOString();
    await db().updateTable('users').set({ last_login_at: old, created_at: old }).where('id', '=', idle.id).execute();
    expect(await check('dormant_accounts')).toMatchObject({ status: 'failing', evidence: { userIds: [idle.id] } });
    await disableDormantUsers(kernel(), asSystem('test: dormant job'), kernel().config.dormant.days);
    expect((await check('dormant_accounts')).status).toBe('passing');
  });

  it('separation of duties: a user holding two administrator duties fails, removing one fixes it', async () => {
    await db().insertInto('user_roles').values({ user_id: users.audit.id, role_key: 'system_admin' }).execute();
    const failed = await check('separation_of_duties');
    expect(failed.status).toBe('failing');
    expect(failed.evidence.usersBreakingSeparation).toEqual([users.audit.id]);
    expect(failed.evidence.roleCombinations).toEqual(['audit_admin+system_admin']);
    await db().deleteFrom('user_roles').where('user_id', '=', users.audit.id).where('role_key', '=', 'system_admin').execute();
    expect((await check('separation_of_duties')).status).toBe('passing');
  });

  it('access review: a review past due with decisions pending fails; none overdue passes', async () => {
    const open = await db().selectFrom('access_reviews').select(['id', 'due_at']).where('status', '=', 'open').executeTakeFirstOrThrow();
    await db()
      .updateTable('access_reviews')
      .set({ due_at: new Date(Date.now() - 86_400_000).toISOString() })
      .where('id', '=', open.id)
      .execute();
    expect(await check('access_review')).toMatchObject({ status: 'failing', evidence: { overdueReviewIds: [open.id] } });
    await db().updateTable('access_reviews').set({ due_at: open.due_at }).where('id', '=', open.id).execute();
    expect((await check('access_review')).status).toBe('passing');
  });

  it('admin password policy: an administrator on a password someone else chose fails, changing it fixes it', async () => {
    await db().updateTable('users').set({ admin_known_credential: 1 }).where('id', '=', users.security.id).execute();
    expect(await check('admin_password_policy')).toMatchObject({ status: 'failing', evidence: { credentialKnownToAnotherUserIds: [users.security.id] } });
    await db().updateTable('users').set({ admin_known_credential: 0 }).where('id', '=', users.security.id).execute();
    expect((await check('admin_password_policy')).status).toBe('passing');
  });

  it('key rotation: a field key two years old fails, rotating to a new version fixes it', async () => {
    await db()
      .updateTable('data_keys')
      .set({ created_at: new Date(Date.now() - 730 * 86_400_000).toISOString() })
      .where('purpose', '=', 'field')
      .execute();
    expect(await check('key_rotation')).toMatchObject({ status: 'failing', evidence: { ageDays: 730 } });
    await startRotation(kernel(), users.security.actor);
    expect(await check('key_rotation')).toMatchObject({ status: 'passing', evidence: { currentVersion: 2 } });
  });

  it('consent coverage: an active campaign on a channel the ledger does not record fails, a recorded one passes', async () => {
    const [campaign] = (await sql<{ id: string }>`SELECT id FROM campaigns`.execute(db())).rows;
    await sql`UPDATE campaigns SET channel = 'fax' WHERE id = ${campaign?.id}`.execute(db());
    expect(await check('consent_coverage')).toMatchObject({ status: 'failing', evidence: { campaignsWithoutConsentGate: [campaign?.id] } });
    await sql`UPDATE campaigns SET channel = 'email' WHERE id = ${campaign?.id}`.execute(db());
    expect((await check('consent_coverage')).status).toBe('passing');
  });

  it('the auditor reads checks and every report format without a personal value; others are refused', async () => {
    const planted = [PLANTED.name, PLANTED.email, PLANTED.phone.replace(/\s/g, ''), '1122 3344', 'Zarvanti', users.seller.email, users.auditor.email];
    const checks = await call('auditor', 'GET', '/api/v1/compliance/checks?refresh=true');
    expect(checks.statusCode, checks.body).toBe(200);
    expect(checks.json().checks).toHaveLength(checkIds.length);
    for (const format of ['json', 'html', 'pdf'] as const) {
      const res = await call('auditor', 'GET', `/api/v1/compliance/report?format=${format}`);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const body = res.rawPayload.toString('latin1') + res.rawPayload.toString('utf8');
      for (const value of planted) expect(body.includes(value), `${format} report holds ${value}`).toBe(false);
    }
    for (const value of planted) expect(checks.body.includes(value), `checks hold ${value}`).toBe(false);
    expect((await call('seller', 'GET', '/api/v1/compliance/checks')).statusCode).toBe(403);
    expect((await call('marketing', 'GET', '/api/v1/compliance/report')).statusCode).toBe(403);
    expect((await call('security', 'GET', '/api/v1/compliance/checks')).statusCode).toBe(200);
    expect((await call('security', 'GET', '/api/v1/compliance/report')).statusCode).toBe(403);
  });

  it('signs the report, embeds a valid signed checkpoint, audits it; one changed byte fails verification', async () => {
    const key = kernel().keyring.auditPublicKey;
    const keyId = publicKeyId(key);
    for (const format of ['json', 'html', 'pdf'] as const) {
      const res = await call('auditor', 'GET', `/api/v1/compliance/report?format=${format}`);
      expect(res.headers['content-disposition']).toContain(`.${format}"`);
      const file = res.rawPayload;
      expect(verifyReport(file, SigningKeyTrust.of([key]).resolve), format).toMatchObject({ valid: true, format });
      const middle = Buffer.from(file);
      const at = Math.floor(file.length / 2);
      middle[at] = (middle[at] as number) ^ 0x20;
      expect(verifyReport(middle, SigningKeyTrust.of([key]).resolve).valid, `${format} with byte ${at} changed`).toBe(false);
      if (format === 'json') {
        const report = JSON.parse(file.toString('utf8')).report;
        expect(report.auditCheckpoint).not.toBeNull();
        expect(checkpointSignatureValid(report.auditCheckpoint, key)).toBe(true);
        const newest = await db().selectFrom('audit_events').select(['seq', 'action']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
        expect(newest.action).toBe('compliance.report_generated');
        expect(report.auditCheckpoint.seq).toBe(Number(newest.seq));
      }
    }
  });
});
