import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CatalogueObject, contractEndColumn, retentionCutoff, retentionObjects } from '@castellan/shared';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complianceChecks } from '../../src/modules/compliance/compliance.service.js';
import { domainStore } from '../../src/modules/domain-store.js';
import { setRestriction } from '../../src/modules/subject-data/restrict-subject.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { publicKeyId } from '../../src/platform/audit/checkpoints.js';
import { SigningKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { type Actor, userActor } from '../../src/platform/authz/actor.js';
import { compiledDueRows } from '../../src/platform/data/retention-batch.js';
import { retentionTarget } from '../../src/platform/data/retention-targets.js';
import { verifyCertificate } from '../../src/platform/retention/retention-certificate.js';
import { createRetentionRule } from '../../src/platform/retention/retention-rules.js';
import { resumeRetentionRuns, startRetentionRun } from '../../src/platform/retention/retention-runs.js';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type SearchTarget, searchDatabase } from '../helpers/plaintext-search.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall, TestUser } from '../helpers/test-install.js';

/**
 * Retention on both databases: 2 400 contacts inactive for years are deleted in batches (a crash after
 * the first batch, the run resumed from its committed cursor, nothing counted twice), except one under
 * a legal hold, one whose processing is restricted and one a recent case still names; 300 old cases
 * are anonymised (description and links to the person cleared, category, priority, status and dates
 * kept); a subscription 30 days past its term is anonymised (household link cleared, price kept) while
 * a running or open-ended one is not; a dry run changes nothing; no search finds a deleted person and no planted value is left in
 * the database; the certificate verifies, names counts and rules only, and fails when altered; the
 * eligibility query of every object and trigger runs through its index; the routes refuse callers
 * without retention permissions, without step-up, and answer 404 for a run that does not exist.
 */
describe.each(testDialects)('retention on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, created, addCallers } = apiCallers(() => app);
  let people: Record<string, TestUser>;
  let officer: Actor;
  const db = () => install.kernel.db.kysely as unknown as Kysely<any>;
  const old = '2020-01-15T08:00:00.000Z';
  const oldCount = 2400;
  const planted = { email: 'ottoline.retention@example.org', name: 'Ottoline Vanderkeep', complaint: 'Ottoline cannot see channel 9 at all' };
  let plantedId: string;
  let heldId: string;
  let restrictedId: string;
  let referencedId: string;
  let recentIds: string[];
  let oldCaseIds: string[];
  const target = (): SearchTarget =>
    dialect === 'sqlite'
      ? { dialect, file: install.kernel.db.file ?? '' }
      : { dialect, url: install.env.CASTELLAN_DATABASE_OWNER_URL ?? install.env.CASTELLAN_DATABASE_URL ?? '' };
  const count = async (table: string) => Number((await db().selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    people = await addCallers(install.kernel, {
      officer: [['privacy_officer']],
      auditor: [['audit_admin']],
      manager: [['sales_manager'], 'Desk'],
      agent: [['service_agent'], 'Desk'],
      rep: [['sales_rep'], 'Desk'],
    });
    officer = userActor(people.officer, ['privacy_officer'], { id: 'test-session', kind: 'full', mfaAt: new Date().toISOString() });
    const manager = userActor(people.manager, ['sales_manager']);
    const agent = userActor(people.agent, ['service_agent']);
    const store = domainStore(install.kernel);
    const bodies = Array.from({ length: oldCount - 1 }, (_, i) => ({
      name: `Old Person ${i}`,
      email: `old.${i}@retention.example.com`,
      phone: `139${String(10_000_000 + i).slice(-8)}`,
    }));
    const oldIds = [
      ...(await store.createMany(manager, noRequest, 'contacts', [{ name: planted.name, email: planted.email }])),
      ...(await store.createMany(manager, noRequest, 'contacts', bodies)),
    ];
    plantedId = oldIds[0] as string;
    [heldId, restrictedId, referencedId] = oldIds.slice(1, 4) as [string, string, string];
    recentIds = await store.createMany(
      manager,
      noRequest,
      'contacts',
      Array.from({ length: 300 }, (_, i) => ({ name: `Recent Person ${i}`, email: `recent.${i}@retention.example.com` })),
    );
    oldCaseIds = await store.createMany(
      agent,
      noRequest,
      'cases',
      recentIds.map((contactId, i) => ({ contactId, category: 'complaint', priority: 'p2', channel: 'wechat', description: `${planted.complaint} #${i}` })),
    );
    await store.createMany(agent, noRequest, 'cases', [
      { contactId: referencedId, category: 'inquiry', priority: 'p3', channel: 'phone', description: 'recent case' },
    ]);
    await db().updateTable('contacts').set({ updated_at: old }).where('id', 'in', oldIds.slice(0, 1000)).execute();
    await db().updateTable('contacts').set({ updated_at: old }).where('id', 'in', oldIds.slice(1000)).execute();
    await db().updateTable('cases').set({ updated_at: old }).where('id', 'in', oldCaseIds).execute();
    const subjectOf = async (id: string) =>
      String((await db().selectFrom('contacts').select('subject_id').where('id', '=', id).executeTakeFirstOrThrow()).subject_id);
    const hold = await call('officer', 'POST', `/api/v1/subjects/${await subjectOf(heldId)}/legal-holds`, {
      table: 'contacts',
      rowId: heldId,
      reason: 'litigation',
      note: 'Court case 2026-17',
    });
    expect(hold.statusCode, hold.body).toBe(201);
    await setRestriction(install.kernel, officer, noRequest, await subjectOf(restrictedId), true, { reason: 'accuracy_contested' });
  }, 300_000);
  afterAll(async () => stopTestApp({ install, app }));

  it('refuses an invalid rule with every problem named, and stores nothing', async () => {
    const res = await call('officer', 'POST', '/api/v1/retention/rules', {
      object: 'channels',
      purpose: 'curiosity',
      action: 'delete',
      trigger: 'contract_end',
      days: 0,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('retention_rule_invalid');
    expect(res.json().error.details.problems.map((p: { code: string }) => p.code)).toEqual(['no_personal_data', 'unknown_purpose', 'days_out_of_range']);
    const wrongTrigger = await call('officer', 'POST', '/api/v1/retention/rules', {
      object: 'cases',
      purpose: 'service_delivery',
      action: 'delete',
      trigger: 'contract_end',
      days: 30,
    });
    expect(wrongTrigger.json().error.details.problems).toEqual([expect.objectContaining({ field: 'trigger', code: 'no_contract_end' })]);
    expect(await count('retention_rules')).toBe(0);
  });

  it('needs retention permissions, a fresh second factor to enable a rule or purge, and answers 404 for what does not exist', async () => {
    const rule = { object: 'contacts', purpose: 'customer_relations', action: 'delete', trigger: 'inactivity', days: 365, enabled: true };
    expect((await call('rep', 'GET', '/api/v1/retention/rules')).statusCode).toBe(403);
    expect((await call('rep', 'POST', '/api/v1/retention/runs', { dryRun: true })).statusCode).toBe(403);
    expect((await call('auditor', 'POST', '/api/v1/retention/rules', { ...rule, enabled: false })).statusCode).toBe(403);
    expect((await call('auditor', 'GET', '/api/v1/retention/rules')).statusCode).toBe(200);
    const enabled = await call('officer', 'POST', '/api/v1/retention/rules', rule);
    expect([enabled.statusCode, enabled.json().error.code]).toEqual([403, 'step_up_required']);
    const purge = await call('officer', 'POST', '/api/v1/retention/runs', { dryRun: false });
    expect([purge.statusCode, purge.json().error.code]).toEqual([403, 'step_up_required']);
    const disabled = await created('officer', '/api/v1/retention/rules', { ...rule, enabled: false });
    const enabling = await call('officer', 'PATCH', `/api/v1/retention/rules/${disabled.id}`, { enabled: true, version: 1 });
    expect([enabling.statusCode, enabling.json().error.code]).toEqual([403, 'step_up_required']);
    const duplicate = await call('officer', 'POST', '/api/v1/retention/rules', { ...rule, enabled: false });
    expect([duplicate.statusCode, duplicate.json().error.code]).toEqual([409, 'retention_rule_exists']);
    const missing = '01936a1e-0000-7000-8000-000000000000';
    expect((await call('officer', 'GET', `/api/v1/retention/runs/${missing}`)).statusCode).toBe(404);
    expect((await call('officer', 'GET', `/api/v1/retention/runs/${missing}/certificate`)).statusCode).toBe(404);
    expect((await call('officer', 'GET', `/api/v1/retention/rules/${missing}`)).statusCode).toBe(404);
    expect((await call('officer', 'DELETE', `/api/v1/retention/rules/${disabled.id}`)).statusCode).toBe(204);
    const history = await call('auditor', 'GET', `/api/v1/retention/rules/${disabled.id}/history`);
    expect(history.json().items.map((v: { version: number; deleted: boolean }) => [v.version, v.deleted])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(await count('retention_rules')).toBe(0);
  });

  it('previews a run without changing anything', async () => {
    await createRetentionRule(install.kernel, officer, noRequest, {
      object: 'contacts',
      purpose: 'customer_relations',
      action: 'delete',
      trigger: 'inactivity',
      days: 365,
      enabled: true,
    });
    await createRetentionRule(install.kernel, officer, noRequest, {
      object: 'cases',
      purpose: 'service_delivery',
      action: 'anonymise',
      trigger: 'inactivity',
      days: 365,
      enabled: true,
    });
    const before = [await count('contacts'), await count('cases'), await count('name_tokens')];
    const res = await call('officer', 'POST', '/api/v1/retention/runs', { dryRun: true });
    expect(res.statusCode, res.body).toBe(201);
    const run = res.json();
    expect(run).toMatchObject({ dryRun: true, state: 'finished', certificate: false });
    // Cases (which name contacts) run first.
    expect(run.rules.map((r: { object: string }) => r.object)).toEqual(['cases', 'contacts']);
    expect(run.rules[0]).toMatchObject({ due: 300, anonymised: 300 });
    expect(run.rules[1]).toMatchObject({ due: oldCount, removed: oldCount - 3, held: 1, heldByReason: { litigation: 1 }, restricted: 1, referenced: 1 });
    expect([await count('contacts'), await count('cases'), await count('name_tokens')]).toEqual(before);
  });

  it('purges in batches, resumes after a crash between batches without counting twice, and keeps held, restricted and referenced records', async () => {
    let crashed = false;
    await expect(
      startRetentionRun(
        install.kernel,
        officer,
        noRequest,
        { kind: 'scheduled', dryRun: false },
        {
          batchSize: 500,
          afterBatch: (n) => {
            if (n === 2 && !crashed) {
              crashed = true;
              throw new Error('simulated crash');
            }
          },
        },
      ),
    ).rejects.toThrow('simulated crash');
    const half = await db().selectFrom('retention_runs').selectAll().where('state', '=', 'running').executeTakeFirstOrThrow();
    const contactsRule = await db()
      .selectFrom('retention_run_rules')
      .selectAll()
      .where('run_id', '=', half.id)
      .where('object', '=', 'contacts')
      .executeTakeFirstOrThrow();
    // Batch 1 (cases, 300 < 500: done) and batch 2 (first 500 contacts) committed.
    expect([Number(contactsRule.due), Number(contactsRule.done)]).toEqual([500, 0]);
    expect(await count('contacts')).toBe(oldCount + 300 - Number(contactsRule.removed));
    const busy = await call('officer', 'POST', '/api/v1/retention/runs', { dryRun: true });
    expect([busy.statusCode, busy.json().error.code]).toEqual([409, 'retention_run_busy']);
    expect(await resumeRetentionRuns(install.kernel)).toBe(1);
    const run = (await call('officer', 'GET', `/api/v1/retention/runs/${half.id}`)).json();
    expect(run).toMatchObject({ state: 'finished', certificate: true, kind: 'scheduled' });
    expect(run.rules[0]).toMatchObject({ object: 'cases', due: 300, anonymised: 300 });
    expect(run.rules[1]).toMatchObject({ object: 'contacts', due: oldCount, removed: oldCount - 3, held: 1, restricted: 1, referenced: 1 });
    const left = (await db().selectFrom('contacts').select('id').where('updated_at', '=', old).execute()).map((r) => r.id).sort();
    expect(left).toEqual([heldId, restrictedId, referencedId].sort());
    expect(await count('contacts')).toBe(3 + 300);
    const events = await db().selectFrom('audit_events').select(['action', 'detail']).where('action', 'like', 'retention.run.%').execute();
    // cases (300), contacts 500 before the crash, then 1 000 and 900 after it (the resumed run's default batch size).
    expect(events.filter((e) => e.action === 'retention.run.batch').length).toBe(4);
    expect(JSON.stringify(events)).not.toContain(plantedId);
  });

  it('anonymises cases: description and subject cleared, category, priority, status and dates kept', async () => {
    const rows = await db().selectFrom('cases').selectAll().where('id', 'in', oldCaseIds).execute();
    expect(rows).toHaveLength(300);
    for (const r of rows) {
      expect([r.description_enc, r.subject_id]).toEqual([null, null]);
      expect([r.category, r.priority, r.channel, r.updated_at]).toEqual(['complaint', 'p2', 'wechat', old]);
      expect(r.created_at).toBeTruthy();
    }
    const again = await startRetentionRun(install.kernel, officer, noRequest, { kind: 'manual', dryRun: false });
    expect(again.rules.map((r) => [r.object, r.anonymised, r.removed])).toEqual([
      ['cases', 0, 0],
      ['contacts', 0, 0],
    ]);
  });

  it('leaves no way to find a deleted person and no planted value in the database', async () => {
    for (const [field, value] of [
      ['email', planted.email],
      ['name', planted.name],
      ['email', 'old.1234@retention.example.com'],
    ]) {
      const res = await call('agent', 'POST', '/api/v1/contacts/search', { field, value });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items, `search by ${field}`).toEqual([]);
    }
    expect((await call('manager', 'GET', `/api/v1/contacts/${plantedId}`)).statusCode).toBe(404);
    expect((await call('manager', 'GET', `/api/v1/contacts/${heldId}`)).statusCode).toBe(200);
    const found = await searchDatabase(target(), [planted.email, planted.name, planted.complaint, 'Old Person 17', 'retention.example.com']);
    expect(found.hits).toEqual([]);
    if (dialect === 'sqlite') {
      const file = install.kernel.db.file ?? '';
      for (const f of [file, `${file}-wal`]) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(f);
        } catch {
          continue;
        }
        expect(bytes.includes(Buffer.from(planted.email)), f).toBe(false);
      }
    }
  });

  it('signs a certificate of counts and rules only, verifiable, refused once altered', async () => {
    const runs = (await call('auditor', 'GET', '/api/v1/retention/runs')).json().items as { id: string; certificate: boolean; dryRun: boolean }[];
    const real = runs.filter((r) => r.certificate);
    expect(real.length).toBe(2);
    expect(runs.filter((r) => r.dryRun).every((r) => !r.certificate)).toBe(true);
    const first = real.at(-1) as { id: string };
    const res = await call('auditor', 'GET', `/api/v1/retention/runs/${first.id}/certificate`);
    expect(res.statusCode).toBe(200);
    const text = res.body;
    const body = JSON.parse(text).report;
    expect(body).toMatchObject({ kind: 'castellan-retention-certificate', runId: first.id, totals: { removed: oldCount - 3, anonymised: 300, held: 1 } });
    expect(body.rules[1]).toMatchObject({ object: 'contacts', action: 'delete', heldByReason: { litigation: 1 } });
    for (const id of [plantedId, heldId, restrictedId, referencedId, ...oldCaseIds.slice(0, 5)]) expect(text).not.toContain(id);
    expect(text).not.toContain('@');
    const verified = await call('auditor', 'POST', '/api/v1/retention/certificates/verify', { certificate: text });
    expect(verified.json()).toMatchObject({ valid: true, runId: first.id });
    const altered = text.replace(`"removed": ${oldCount - 3}`, `"removed": ${oldCount}`);
    expect(altered).not.toBe(text);
    expect((await call('auditor', 'POST', '/api/v1/retention/certificates/verify', { certificate: altered })).json().valid).toBe(false);
    const key = createPublicKey(install.kernel.keyring.auditPublicKey.export({ type: 'spki', format: 'pem' }) as string);
    expect(verifyCertificate(Buffer.from(text), SigningKeyTrust.of([key]).resolve).valid).toBe(true);
  });

  it('anonymises subscriptions 30 days after their term ends: the household link cleared, package, price and dates kept', async () => {
    const agent = userActor(people.agent, ['service_agent']);
    const store = domainStore(install.kernel);
    const [household] = await store.createMany(agent, noRequest, 'households', [{ headContactId: recentIds[0], address: 'Keep Street 1, Suzhou' }]);
    const [account] = await store.createMany(agent, noRequest, 'billing_accounts', [{ contactId: recentIds[0], accountNumber: `BA-${dialect}-RET-1` }]);
    const base = { billingAccountId: account, packageCode: 'BASIC-HD', packageKind: 'base', priceFen: 2600, startDate: '2019-01-01', householdId: household };
    const [ended, running, open] = await store.createMany(agent, noRequest, 'subscriptions', [
      { ...base, endDate: '2020-06-30' },
      { ...base, endDate: '2999-12-31' },
      { ...base },
    ]);
    await createRetentionRule(install.kernel, officer, noRequest, {
      object: 'subscriptions',
      purpose: 'contract_performance',
      action: 'anonymise',
      trigger: 'contract_end',
      days: 30,
      enabled: true,
    });
    const run = await startRetentionRun(install.kernel, officer, noRequest, { kind: 'manual', dryRun: false });
    expect(run.rules.find((r) => r.object === 'subscriptions')).toMatchObject({ trigger: 'contract_end', due: 1, anonymised: 1 });
    const rows = await db()
      .selectFrom('subscriptions')
      .select(['id', 'household_id', 'price_fen', 'end_date', 'package_code'])
      .where('id', 'in', [ended, running, open])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ended)).toMatchObject({ household_id: null, end_date: '2020-06-30', package_code: 'BASIC-HD' });
    expect(Number(byId.get(ended)?.price_fen)).toBe(2600);
    expect(byId.get(running)?.household_id).toBe(household);
    expect(byId.get(open)?.household_id).toBe(household);
  });

  it('deletes a privacy request past its period with its own history rows (tables outside the catalogue that belong to it)', async () => {
    const made = await call('officer', 'POST', '/api/v1/privacy-requests', {
      kind: 'objection',
      law: 'gdpr',
      requesterEmail: 'old.requester@example.org',
      status: 'verified',
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id as string;
    expect((await db().selectFrom('privacy_request_events').select('id').where('request_id', '=', id).execute()).length).toBeGreaterThan(0);
    await db().updateTable('privacy_requests').set({ updated_at: old }).where('id', '=', id).execute();
    await createRetentionRule(install.kernel, officer, noRequest, {
      object: 'privacy_requests',
      purpose: 'privacy_request_handling',
      action: 'delete',
      trigger: 'inactivity',
      days: 365,
      enabled: true,
    });
    const run = await startRetentionRun(install.kernel, officer, noRequest, { kind: 'manual', dryRun: false });
    expect(run).toMatchObject({ state: 'finished' });
    expect(run.rules.find((r) => r.object === 'privacy_requests')).toMatchObject({ due: 1, removed: 1 });
    expect(await db().selectFrom('privacy_requests').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect(await db().selectFrom('privacy_request_events').select('id').where('request_id', '=', id).execute()).toEqual([]);
  });

  it('fails the compliance check while a personal object has no enabled rule, and passes once every one is covered and the scheduled run is current', async () => {
    const check = async (now?: Date) => (await complianceChecks(install.kernel, { refresh: true, now })).checks.find((c) => c.id === 'retention_rules');
    const before = await check();
    expect(before?.status).toBe('failing');
    const covered = new Set(['contacts', 'cases', 'subscriptions', 'privacy_requests']);
    expect(before?.evidence.uncoveredObjects).toEqual(retentionObjects().filter((o) => !covered.has(o)));
    for (const object of retentionObjects().filter((o) => !covered.has(o)))
      await createRetentionRule(install.kernel, officer, noRequest, {
        object,
        purpose: object === 'consents' ? 'marketing' : 'legal_obligation',
        action: 'anonymise',
        trigger: 'inactivity',
        days: 36_500,
        enabled: true,
      });
    expect((await check())?.status).toBe('passing');
    // Two days later without another scheduled run: failing again.
    expect((await check(new Date(Date.now() + 2 * 86_400_000)))?.status).toBe('failing');
  });

  it('finds due rows of every object and trigger through its retention index', async () => {
    const queries: { table: string; compiled: { sql: string; parameters: readonly unknown[] } }[] = [];
    const now = new Date();
    for (const object of retentionObjects() as CatalogueObject[]) {
      const t = await retentionTarget(install.kernel, db(), object);
      const triggers = contractEndColumn(object) ? (['inactivity', 'contract_end'] as const) : (['inactivity'] as const);
      for (const trigger of triggers)
        for (const action of ['delete', 'anonymise'] as const) {
          const due = { object, action, trigger, purpose: 'marketing', cutoff: retentionCutoff(trigger, 30, now) };
          queries.push({
            table: object,
            compiled: compiledDueRows(install.kernel, db(), t, due, { at: '2020-01-01', id: '01936a1e-0000-7000-8000-000000000000' }, 1000),
          });
        }
    }
    for (const { table, compiled } of queries) {
      let plan: string;
      if (dialect === 'sqlite') {
        const rows = await sql.raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${inline(compiled.sql, compiled.parameters)}`).execute(db());
        plan = rows.rows.map((r) => r.detail).join('\n');
        expect(plan, `${table}: ${plan}`).not.toMatch(new RegExp(`SCAN ${table}(?! USING)`));
        // Paged in index order: no sort of every due row.
        expect(plan, `${table}: ${plan}`).not.toContain('TEMP B-TREE');
      } else {
        plan = await db()
          .connection()
          .execute(async (conn) => {
            // The tables are nearly empty here: tell the planner what a big table would (no scan, no sort of every due row).
            await sql`SET enable_seqscan = off`.execute(conn);
            await sql`SET enable_sort = off`.execute(conn);
            const rows = await sql.raw<{ 'QUERY PLAN': string }>(`EXPLAIN ${inline(compiled.sql, compiled.parameters)}`).execute(conn);
            await sql`SET enable_seqscan = on`.execute(conn);
            await sql`SET enable_sort = on`.execute(conn);
            return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
          });
        expect(plan, `${table}: ${plan}`).not.toContain(`Seq Scan on ${table}`);
        expect(plan, `${table}: ${plan}`).not.toMatch(/(^|->)\s*Sort\b/m);
      }
      expect(plan, `${table}: ${plan}`).toContain(`${table}_retention_`);
    }
  });
});

/** The compiled query with its parameters inlined as literals (EXPLAIN takes no bind parameters here). */
function inline(text: string, parameters: readonly unknown[]): string {
  let i = 0;
  return text.replace(/\?|\$\d+/g, (m) => {
    const value = m === '?' ? parameters[i++] : parameters[Number(m.slice(1)) - 1];
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]*$/.test(value)) throw new Error('only ids, dates and numbers are inlined');
    return `'${value}'`;
  });
}
