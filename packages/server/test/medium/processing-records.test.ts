import { fieldCatalogue, type ObjectCatalogue } from '@castellan/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipiaCurrent } from '../../src/modules/compliance/checks/pipia-current.check.js';
import { complianceChecks } from '../../src/modules/compliance/compliance.service.js';
import type { CheckId, CheckResult } from '../../src/modules/compliance/compliance-check.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import type { Catalogue } from '../../src/platform/records/catalogue-fingerprint.js';
import { deletePipia, getPipia, listPipias } from '../../src/platform/records/pipia-store.js';
import { readRecordsState } from '../../src/platform/records/records-state.js';
import { listRopaVersions } from '../../src/platform/records/ropa-store.js';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { searchDatabase } from '../helpers/plaintext-search.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall, TestUser } from '../helpers/test-install.js';

/**
 * The records of processing over a real installation: RoPA versions generated from the catalogue,
 * immutable (the database refuses an UPDATE), outdated once a classification changes; impact
 * assessments with sealed findings the auditor never sees, kept three years; the transfer register's
 * validation; the compliance checks failing on seeded violations and passing once fixed.
 */
const DPO = 'Dr. Quillon Zarvanti, dpo.zarvanti@plant.example, +86 139 2233 4455';
const FINDINGS = 'Interviewed Hexbright Omwaka: ID numbers needed for real-name registration only';

/** The catalogue with contacts.email made sensitive: a classification change. */
const changedCatalogue: Catalogue = {
  ...fieldCatalogue,
  contacts: { ...(fieldCatalogue.contacts as ObjectCatalogue), email: { ...fieldCatalogue.contacts.email, classification: 'sensitive' } },
};

describe.each(testDialects)('records of processing on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, addCallers } = apiCallers(() => app);
  let users: Record<'officer' | 'auditor' | 'rep', TestUser>;
  const db = () => install.kernel.db.kysely;
  const check = async (id: CheckId): Promise<CheckResult> =>
    (await complianceChecks(install.kernel, { refresh: true })).checks.find((c) => c.id === id) as CheckResult;
  const ok = async (who: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, status = 200) => {
    const res = await call(who, method, url, payload);
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };
  const assess = async (activity: string) => {
    return ok('officer', 'POST', '/api/v1/pipias', { activity }, 201);
  };

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    users = await addCallers(install.kernel, { officer: [['privacy_officer']], auditor: [['auditor']], rep: [['sales_rep'], 'North'] });
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('refuses callers without the permission (403) and the auditor any change', async () => {
    for (const url of ['/api/v1/processing-records/versions', '/api/v1/pipias', '/api/v1/transfers', '/api/v1/processing-records/controller'])
      expect((await call('rep', 'GET', url)).statusCode, url).toBe(403);
    expect((await call('auditor', 'POST', '/api/v1/processing-records/versions')).statusCode).toBe(403);
    expect((await call('auditor', 'POST', '/api/v1/pipias', { activity: 'contacts' })).statusCode).toBe(403);
    expect((await call('auditor', 'PUT', '/api/v1/processing-records/controller' as never, { name: 'X', country: 'CN' })).statusCode).toBe(403);
    expect((await call('auditor', 'GET', '/api/v1/transfers')).statusCode).toBe(200);
  });

  it('generates the RoPA as versions: a new one only when the content changed; the database refuses to change one', async () => {
    const first = await call('officer', 'POST', '/api/v1/processing-records/versions');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().version).toMatchObject({ number: 1, outdated: false, latest: true });
    const content = first.json().version.content;
    // The retention register is another feature's table: without it every activity honestly shows no rule.
    expect(['absent', 'present']).toContain(content.retentionRegister);
    if (content.retentionRegister === 'absent') expect(content.activities.every((a: { retention: string[] }) => a.retention.length === 0)).toBe(true);
    const contacts = content.activities.find((a: { key: string }) => a.key === 'contacts');
    expect(contacts.sensitive).toBe(true);
    expect(contacts.fields.find((f: { field: string }) => f.field === 'contacts.idNumber')).toMatchObject({
      classification: 'sensitive',
      measures: ['encrypted_at_rest', 'blind_index', 'masked'],
    });
    expect(contacts.pipiaTriggers).toEqual(['sensitive_pi']);
    const again = await call('officer', 'POST', '/api/v1/processing-records/versions');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, version: { number: 1 } });
    // A controller edit (the DPO sealed) makes the next generation a new version.
    const controller = await call('officer', 'PUT' as never, '/api/v1/processing-records/controller', { name: 'Star TV Co., Ltd.', country: 'cn', dpo: DPO });
    expect(controller.statusCode, controller.body).toBe(200);
    expect(controller.json()).toMatchObject({ name: 'Star TV Co., Ltd.', country: 'CN', revision: 1, personal: { dpo: DPO } });
    const second = await ok('officer', 'POST', '/api/v1/processing-records/versions', undefined, 201);
    expect(second.version).toMatchObject({ number: 2, controllerPersonal: { dpo: DPO } });
    expect(second.version.content.controller).toEqual({ name: 'Star TV Co., Ltd.', country: 'CN', revision: 1 });
    await expect(sql`UPDATE ropa_versions SET content_hash = 'forged' WHERE number = 1`.execute(db())).rejects.toThrow(/immutable/);
    const list = await ok('auditor', 'GET', '/api/v1/processing-records/versions');
    expect(list.items.map((v: { number: number; latest: boolean }) => [v.number, v.latest])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('shows a version outdated once a field classification changes (computed on read)', async () => {
    expect((await listRopaVersions(install.kernel)).items.every((v) => !v.outdated)).toBe(true);
    const changed = await listRopaVersions(install.kernel, { catalogue: changedCatalogue });
    expect(changed.items.every((v) => v.outdated)).toBe(true);
  });

  it('exports a version as JSON, CSV and HTML; the auditor sees no DPO; audited', async () => {
    const csv = await call('officer', 'GET', '/api/v1/processing-records/versions/2/export?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toMatch(/^activity,purpose,purpose_zh,data_subjects/);
    expect(csv.body).toMatch(/contacts\.idNumber,sensitive,government_id/);
    const html = await call('officer', 'GET', '/api/v1/processing-records/versions/2/export?format=html');
    expect(html.body).toContain('个人信息处理活动记录');
    expect(html.body).toContain('Dr. Quillon Zarvanti');
    expect(html.body).not.toMatch(/<script/i);
    const auditorHtml = await call('auditor', 'GET', '/api/v1/processing-records/versions/2/export?format=html');
    expect(auditorHtml.statusCode).toBe(200);
    expect(auditorHtml.body).not.toContain('Zarvanti');
    const auditorJson = await ok('auditor', 'GET', '/api/v1/processing-records/versions/2');
    expect(auditorJson.controllerPersonal).toBeNull();
    expect(JSON.stringify(auditorJson)).not.toContain('Zarvanti');
    expect((await ok('auditor', 'GET', '/api/v1/processing-records/controller')).personal).toBeNull();
    expect((await call('officer', 'GET', '/api/v1/processing-records/versions/99')).statusCode).toBe(404);
    const events = await db().selectFrom('audit_events').select(['action', 'detail']).where('action', 'like', 'records.%').execute();
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['records.ropa.generated', 'records.controller.updated', 'records.ropa.exported', 'records.controller.read']),
    );
    expect(JSON.stringify(events)).not.toContain('Zarvanti');
  });

  it('runs an impact assessment: draft, findings, approval; approved versions never change; the auditor reads no findings', async () => {
    expect((await check('pipia_current')).status).toBe('failing');
    const made = await assess('contacts');
    expect(made).toMatchObject({ activity: 'contacts', status: 'draft', latestVersion: 1, current: false });
    expect(made.versions[0].content.triggers).toEqual(['sensitive_pi']);
    expect(made.versions[0].content.fields.some((f: { field: string }) => f.field === 'contacts.idNumber')).toBe(true);
    expect((await call('officer', 'POST', '/api/v1/pipias', { activity: 'contacts' })).statusCode).toBe(409);
    expect((await call('officer', 'POST', '/api/v1/pipias', { activity: 'telepathy' })).statusCode).toBe(422);
    const early = await call('officer', 'POST', `/api/v1/pipias/${made.id}/approve`);
    expect(early.statusCode).toBe(422);
    expect(early.json().error.message).toMatch(/findings/);
    await ok('officer', 'PATCH', `/api/v1/pipias/${made.id}`, { findings: FINDINGS });
    const approved = await ok('officer', 'POST', `/api/v1/pipias/${made.id}/approve`);
    expect(approved).toMatchObject({ status: 'approved', approvedVersion: 1, current: true, outdated: false });
    expect(approved.versions[0].findings).toBe(FINDINGS);
    const late = await call('officer', 'PATCH', `/api/v1/pipias/${made.id}`, { findings: 'changed after approval' });
    expect(late.statusCode).toBe(409);
    await expect(sql`UPDATE pipia_versions SET content_hash = 'forged' WHERE status = 'approved'`.execute(db())).rejects.toThrow(/immutable/);
    const seen = await ok('auditor', 'GET', `/api/v1/pipias/${made.id}`);
    expect(seen.versions[0]).toMatchObject({ hasFindings: true, findings: null, status: 'approved' });
    expect(JSON.stringify(seen)).not.toContain('Hexbright');
    // Outdated once contacts' classifications change; the change of another object leaves it current.
    expect((await getPipia(install.kernel, users.officer.actor, noRequest, made.id, { catalogue: changedCatalogue })).outdated).toBe(true);
    const otherChanged: Catalogue = {
      ...fieldCatalogue,
      cases: { ...(fieldCatalogue.cases as ObjectCatalogue), description: { ...fieldCatalogue.cases.description, classification: 'sensitive' } },
    };
    expect((await listPipias(install.kernel, { catalogue: otherChanged })).find((p) => p.id === made.id)?.outdated).toBe(false);
    // A revision is a new draft with the findings carried over; the approved version still counts.
    const revised = await ok('officer', 'POST', `/api/v1/pipias/${made.id}/revisions`, undefined, 201);
    expect(revised).toMatchObject({ status: 'draft', latestVersion: 2, approvedVersion: 1, current: true });
    expect(revised.versions[0].findings).toBe(FINDINGS);
    // Sealed findings are bound to their assessment and version: moved into the draft version they fail to open.
    const v1 = await db()
      .selectFrom('pipia_versions')
      .select('findings_enc')
      .where('pipia_id', '=', made.id)
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    await db().updateTable('pipia_versions').set({ findings_enc: v1.findings_enc }).where('pipia_id', '=', made.id).where('version', '=', 2).execute();
    const moved = await call('officer', 'GET', `/api/v1/pipias/${made.id}`);
    expect(moved.statusCode).toBe(500);
    expect(moved.json().error.code).toBe('integrity_error');
    await ok('officer', 'PATCH', `/api/v1/pipias/${made.id}`, { findings: FINDINGS });
    expect((await call('officer', 'GET', '/api/v1/pipias/01900000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await call('officer', 'GET', '/api/v1/pipias/not-an-id')).statusCode).toBe(400);
  });

  it('keeps an assessment three years: an earlier deletion is refused with retention_period (and audited)', async () => {
    const [pipia] = (await listPipias(install.kernel)).filter((p) => p.activity === 'contacts');
    const refused = await call('officer', 'DELETE', `/api/v1/pipias/${pipia?.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('retention_period');
    expect(refused.json().error.message).toMatch(/3 years.*PIPL Art\. 56/);
    expect(
      await db()
        .selectFrom('pipias')
        .select('id')
        .where('id', '=', pipia?.id as string)
        .executeTakeFirst(),
    ).toBeDefined();
    const refusals = await db().selectFrom('audit_events').select('outcome').where('action', '=', 'records.pipia.delete_refused').execute();
    expect(refusals).toEqual([{ outcome: 'refused' }]);
    const dayBefore = new Date(Date.parse(pipia?.retainedUntil as string) - 86_400_000);
    await expect(deletePipia(install.kernel, users.officer.actor, noRequest, pipia?.id as string, dayBefore)).rejects.toMatchObject({
      code: 'retention_period',
    });
    // A throwaway assessment, three years on, may go.
    const campaigns = await assess('campaigns');
    const threeYearsOn = new Date(Date.parse(campaigns.retainedUntil));
    await deletePipia(install.kernel, users.officer.actor, noRequest, campaigns.id, threeYearsOn);
    expect(await db().selectFrom('pipia_versions').select('version').where('pipia_id', '=', campaigns.id).execute()).toEqual([]);
  });

  it('validates a transfer whole with clear errors and stores nothing on bad input', async () => {
    const bad = await call('officer', 'POST', '/api/v1/transfers', {
      recipient: 'Subtitle Co. Pte Ltd',
      country: 'XX',
      categories: ['device_identifier'],
      activity: 'cases',
      subjectsPerYear: 5000,
      startDate: '2026-01-01',
    });
    expect(bad.statusCode).toBe(422);
    const fields = bad.json().error.details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(['country', 'categories', 'mechanism']);
    const noMechanism = await call('officer', 'POST', '/api/v1/transfers', {
      recipient: 'Subtitle Co. Pte Ltd',
      country: 'SG',
      categories: ['free_text'],
      activity: 'cases',
      subjectsPerYear: 5000,
      startDate: '2026-01-01',
    });
    expect(noMechanism.statusCode).toBe(422);
    expect(noMechanism.json().error.message).toMatch(/PIPL Art\. 38/);
    expect((await call('officer', 'POST', '/api/v1/transfers', { recipient: 'X Co', country: 'SG' })).statusCode).toBe(400);
    expect(await db().selectFrom('transfers').select('id').execute()).toEqual([]);
  });

  it('flags a transfer without an approved PIPIA; the checks fail on each seeded violation and pass once fixed', async () => {
    await assess('campaigns').then((c) =>
      ok('officer', 'PATCH', `/api/v1/pipias/${c.id}`, { findings: 'Profiling limited to consented viewers' }).then(() =>
        ok('officer', 'POST', `/api/v1/pipias/${c.id}/approve`),
      ),
    );
    expect((await check('pipia_current')).status).toBe('passing');
    expect((await check('transfer_register')).status).toBe('passing');
    const transfer = await ok(
      'officer',
      'POST',
      '/api/v1/transfers',
      {
        recipient: 'Subtitle Co. Pte Ltd',
        country: 'SG',
        mechanism: 'standard_contract',
        categories: ['free_text'],
        activity: 'cases',
        subjectsPerYear: 5000,
        startDate: '2026-01-01',
        status: 'active',
      },
      201,
    );
    expect(transfer).toMatchObject({ crossBorder: true, flags: ['no_pipia'] });
    const register = await check('transfer_register');
    expect(register).toMatchObject({ status: 'failing', evidence: { withoutCurrentPipia: [transfer.id] } });
    expect(register.controls.some((c) => c.framework === 'PIPL' && c.id === 'Art. 38')).toBe(true);
    expect(await check('pipia_current')).toMatchObject({ status: 'failing', evidence: { missing: ['cases'] } });
    // The PIPIA of cases, approved, then linked: both pass.
    const cases = await assess('cases');
    expect(cases.versions[0].content.triggers).toEqual(['third_party_provision', 'cross_border']);
    const linkedDraft = await ok('officer', 'PATCH', `/api/v1/transfers/${transfer.id}`, { pipiaId: cases.id });
    expect(linkedDraft.flags).toEqual(['pipia_not_approved']);
    await ok('officer', 'PATCH', `/api/v1/pipias/${cases.id}`, { findings: 'Vendor bound by the CAC standard contract' });
    await ok('officer', 'POST', `/api/v1/pipias/${cases.id}/approve`);
    expect((await ok('auditor', 'GET', `/api/v1/transfers/${transfer.id}`)).flags).toEqual([]);
    expect((await check('transfer_register')).status).toBe('passing');
    expect((await check('pipia_current')).status).toBe('passing');
    // Another activity's PIPIA is refused.
    const [contactsPipia] = (await listPipias(install.kernel)).filter((p) => p.activity === 'contacts');
    expect((await call('officer', 'PATCH', `/api/v1/transfers/${transfer.id}`, { pipiaId: contactsPipia?.id })).statusCode).toBe(422);
    // Seeded in the database: a cross-border transfer without a mechanism.
    await db().updateTable('transfers').set({ mechanism: null }).where('id', '=', transfer.id).execute();
    expect(await check('transfer_register')).toMatchObject({ status: 'failing', evidence: { withoutMechanism: [transfer.id] } });
    await db().updateTable('transfers').set({ mechanism: 'standard_contract' }).where('id', '=', transfer.id).execute();
    expect((await check('transfer_register')).status).toBe('passing');
    // Outdated assessments (a classification of contacts changed: contacts and campaigns, which uses them) fail the check.
    const changed = await readRecordsState(install.kernel, changedCatalogue);
    expect(pipiaCurrent({ records: changed })).toMatchObject({ status: 'failing', evidence: { outdated: ['campaigns', 'contacts'] } });
  });

  it('the RoPA check: stale after a transfer is registered, current once regenerated, with the transfer as recipient', async () => {
    expect((await check('ropa_current')).status).toBe('failing');
    const generated = await ok('officer', 'POST', '/api/v1/processing-records/versions', undefined, 201);
    const cases = generated.version.content.activities.find((a: { key: string }) => a.key === 'cases');
    expect(cases.recipients).toEqual([
      expect.objectContaining({ recipient: 'Subtitle Co. Pte Ltd', country: 'SG', crossBorder: true, mechanism: 'standard_contract' }),
    ]);
    expect((await check('ropa_current')).status).toBe('passing');
  });

  it('keeps the DPO and the findings out of the database in plaintext', async () => {
    const target =
      dialect === 'sqlite'
        ? ({ dialect, file: install.kernel.db.file ?? '' } as const)
        : ({ dialect, url: install.env.CASTELLAN_DATABASE_OWNER_URL ?? install.env.CASTELLAN_DATABASE_URL ?? '' } as const);
    const found = await searchDatabase(target, ['Zarvanti', 'Hexbright', 'Vendor bound by the CAC']);
    expect(found.hits).toEqual([]);
    expect(found.columns).toContain('pipia_versions.content');
  });
});
