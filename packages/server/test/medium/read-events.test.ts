import { protectedFields } from '@castellan/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { normalizeEmail, normalizeIdNumber, normalizePhone } from '../../src/platform/crypto/blind-index.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { dealFixture } from '../helpers/samples/ad-sales.js';
import type { SampleCall } from '../helpers/samples/types.js';
import { addUser, createTestInstall, type TestInstall, type TestUser, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import { TotpSessions } from '../helpers/totp-sessions.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * GET routes known NOT to return personal data, each with the reason. Every other GET route in the
 * inventory must have a probe below, so a new route fails this test until someone classifies it.
 */
const noPersonalData: Record<string, string> = {
  'GET /': 'the web app shell (static; the app fetches data through the API)',
  'GET /reset-password': 'the web app shell (static; the reset token stays in the fragment)',
  'GET /enrol': 'the web app shell (static; the enrolment token stays in the fragment)',
  'GET /api/v1/campaigns/:id/audience/count': 'a count of the consented audience: nobody is decrypted or read',
  'GET /assets/*': "the web app's static scripts and styles",
  'GET /healthz': 'liveness and dialect',
  'GET /api/v1/openapi.json': 'API description',
  'GET /api/v1/channels': 'reference data: channels hold no personal field',
  'GET /api/v1/channels/:id': 'reference data: channels hold no personal field',
  'GET /api/v1/dayparts': 'reference data: dayparts hold no personal field',
  'GET /api/v1/dayparts/:id': 'reference data: dayparts hold no personal field',
  'GET /api/v1/breaks': 'reference data: breaks hold no personal field',
  'GET /api/v1/breaks/:id': 'reference data: breaks hold no personal field',
  'GET /api/v1/rate-cards': 'reference data: rate cards hold no personal field',
  'GET /api/v1/rate-cards/:id': 'reference data: rate cards hold no personal field',
  'GET /api/v1/deal-stages': 'reference data: deal stages hold no personal field',
  'GET /api/v1/deal-stages/:id': 'reference data: deal stages hold no personal field',
  'GET /api/v1/bookings': 'bookings: no personal field in the catalogue',
  'GET /api/v1/bookings/:id': 'a booking: no personal field in the catalogue',
  'GET /api/v1/contracts': 'contracts: no personal field in the catalogue',
  'GET /api/v1/contracts/:id': 'a contract: no personal field in the catalogue',
  'GET /api/v1/dashboards/pipeline': 'counts and sums of deal amounts by stage (store.aggregate, plain fields only)',
  'GET /api/v1/dashboards/bookings-revenue': 'sums of net amounts by channel and month (store.aggregate, plain fields only)',
  'GET /api/v1/dashboards/airtime-fill': 'seconds of airtime per clock hour of a channel (plain sums)',
  'GET /api/v1/titles': 'reference data: titles hold no personal field',
  'GET /api/v1/titles/:id': 'reference data: titles hold no personal field',
  'GET /api/v1/titles/:id/availability': 'windows, territories, media; licence ids and contract numbers (no personal field)',
  'GET /api/v1/rights': 'rights held: accounts, contract numbers, territories, media, windows (no personal field)',
  'GET /api/v1/rights/:id': 'a rights-in record: no personal field in the catalogue',
  'GET /api/v1/licenses': 'licences: accounts, contract numbers, terms, fees (no personal field)',
  'GET /api/v1/licenses/:id': 'a licence: no personal field in the catalogue',
  'GET /api/v1/licenses/:id/payments': "a licence's payment schedule: dates, amounts, statuses",
  'GET /api/v1/license-payments': 'licence payments: dates, amounts, statuses',
  'GET /api/v1/license-payments/:id': 'a licence payment: no personal field in the catalogue',
  'GET /api/v1/dashboards/licensing': 'sums and counts by title, year, currency and month',
  'GET /api/v1/imports/:id': "an import's counters and its report of bad rows: line, file column and reason, never a cell's value",
  'GET /api/v1/keys': 'data key versions and rotation progress (counts only)',
  'GET /api/v1/keys/signing': 'audit signing key versions: public key ids, status, revocation time',
  'GET /api/v1/auth/oidc': 'whether single sign-on is configured',
  'GET /api/v1/auth/oidc/start': 'redirect to the identity provider',
  'GET /api/v1/auth/oidc/callback': 'redirect after sign-in (audited as auth.sso.*)',
  'GET /api/v1/me/sessions': "the caller's own sessions: ids, times, own IP address and user agent (no catalogue field)",
  'GET /api/v1/me/mfa/webauthn': "the caller's own passkeys: ids, names (sealed under the caller's subject key, opened for them), times",
  'GET /api/v1/accounts': 'companies: no personal field in the catalogue',
  'GET /api/v1/accounts/:id': 'a company: no personal field in the catalogue',
  'GET /api/v1/agency-links': 'agency ↔ advertiser links: account ids and dates',
  'GET /api/v1/agency-links/:id': 'an agency ↔ advertiser link: account ids and dates',
  'GET /api/v1/brands': 'brand names of advertisers (companies)',
  'GET /api/v1/brands/:id': 'a brand name of an advertiser (a company)',
  'GET /api/v1/subscriptions': 'subscriptions: package, price, dates, status, ids (no personal field in the catalogue)',
  'GET /api/v1/subscriptions/:id': 'a subscription: package, price, dates, status, ids (no personal field in the catalogue)',
  'GET /api/v1/dashboards/churn': 'counts per month',
  'GET /api/v1/teams': 'team names',
  'GET /api/v1/roles': 'the role matrix',
  'GET /api/v1/tokens': 'token ids, user ids, kinds, names (identifiers), scopes, times',
  'GET /api/v1/me/tokens': "the caller's own tokens: ids, kinds, names (identifiers), scopes, times",
  'GET /api/v1/security/lockouts': 'user ids, keyed pseudonyms (ip:<hex>) of locked client addresses, never the addresses, counts',
  'GET /api/v1/security/sso-links': 'pending SSO links: user ids, IdP issuer and subject ids, times',
  'GET /api/v1/access-reviews/:id': 'campaign counts',
  'GET /api/v1/access-reviews/pending': 'user ids and role keys',
  'GET /api/v1/access-reviews/dormant': 'user ids and times',
  'GET /api/v1/audit/verify': 'chain verification result: counts, sequence numbers',
  'GET /api/v1/privacy-requests/:id/history': 'steps of a data-subject request: ids, times, step and status names (its texts stay sealed in the request)',
  'GET /api/v1/compliance/checks': 'compliance evidence: counts, user and record ids, role and column names, settings (no personal value)',
  'GET /api/v1/compliance/report':
    'the signed compliance report: the same evidence and a signed audit checkpoint (no personal value); its generation is audited',
  'GET /api/v1/reveal-reasons': "the installation's reveal reason codes (configuration, no record)",
  'GET /api/v1/custom-fields': 'custom field definitions: keys, labels, types, options, classifications (no value of any record)',
  'GET /api/v1/custom-fields/:id': 'one custom field definition (no value of any record)',
  'GET /api/v1/saved-views': "the caller's own saved views: names, filters and sort on plain fields only",
  'GET /api/v1/saved-views/:id': "one of the caller's saved views: plain-field filters and sort",
  'GET /api/v1/campaigns': 'campaigns: no personal field in the catalogue (filters are over plain contact fields)',
  'GET /api/v1/campaigns/:id': 'a campaign: no personal field in the catalogue',
  'GET /api/v1/privacy-notices': 'privacy notices: public texts for data subjects, no personal field in the catalogue',
  'GET /api/v1/privacy-notices/:id': 'a privacy notice version: public text, no personal field',
  'GET /api/v1/privacy-notices/current': 'the current privacy notices: public texts, no personal field',
  'GET /api/v1/portal/notices': 'the current privacy notices, publicly: no personal field',
  'GET /api/v1/gpc-conflicts': 'GPC conflicts: ids of the person and ledger entries, statuses and times (no personal field in the catalogue)',
  'GET /api/v1/gpc-conflicts/:id': 'a GPC conflict: ids, status and times (no personal field)',
  'GET /api/v1/dashboards/case-sla': 'counts and percentages per priority, from plain fields',
  'GET /api/v1/contacts/:id/data-subject': "a contact's data subject status: ids, flags, erasure step names, legal-hold reason codes (no value)",
  'GET /api/v1/users/:id/data-subject': "a staff member's data subject status: ids, flags, step names, reason codes (no value)",
  'GET /api/v1/subjects/:subjectId': 'a data subject status: ids, flags, step names, reason codes (no value)',
  'GET /api/v1/access-packages/:token':
    'an access package: ciphertext only, under a passphrase the server never keeps (its reading is audited as personal_data.export when built, and each download as subject.access_package_downloaded)',
  'GET /api/v1/breaches': 'the breach register: ids, grades, categories, clocks, counts (no sealed text)',
  'GET /api/v1/breaches/categories': 'the PI categories of the field catalogue (no record)',
  'GET /api/v1/breaches/:id':
    "an incident; its staff-typed description (sealed under the audit key) only for breaches.personal, audited as breach.read; no data subject's value",
  'GET /api/v1/breaches/:id/affected-subjects': 'data subject ids only (no value); each page audited as breach.subjects.read naming the subjects shown',
  'GET /api/v1/breaches/:id/drafts': 'report drafts of an incident: the same content as GET /api/v1/breaches/:id, audited the same way',
  'GET /api/v1/processing-records/controller':
    "the controller's name and country; its contact and DPO (staff-typed, sealed) only for records.manage, audited as records.controller.read; no data subject's value",
  'GET /api/v1/processing-records/activities': 'the processing activities generated from the field catalogue (no record)',
  'GET /api/v1/processing-records/versions': 'RoPA version summaries: numbers, times, hashes, fingerprints (no sealed text)',
  'GET /api/v1/processing-records/versions/:number':
    "a RoPA version: catalogue-derived content; the controller's contact and DPO only for records.manage, audited as records.controller.read",
  'GET /api/v1/processing-records/versions/:number/export':
    'a RoPA version as a file: the same content as the version, the export audited in the same transaction',
  'GET /api/v1/pipias': 'PIPIA summaries: activities, states, versions (no findings)',
  'GET /api/v1/pipias/requirements': 'which processing activities need a PIPIA, from the catalogue (no record)',
  'GET /api/v1/pipias/:id':
    "a PIPIA: catalogue-derived draft; the assessor's findings (sealed) only for records.manage, audited as records.pipia.findings.read",
  'GET /api/v1/transfers': 'the cross-border transfer register: recipient organisations, countries, mechanisms, categories (no personal value)',
  'GET /api/v1/transfers/:id': 'one transfer of the register (no personal value)',
  'GET /api/v1/dashboards/privacy-requests': 'counts of privacy requests per law and clock state (no record, no personal value)',
  'GET /api/v1/retention/objects': 'the catalogue objects a retention rule may name, with their purposes and triggers (no record)',
  'GET /api/v1/retention/rules': 'retention rules: object, purpose, action, trigger, days (no record)',
  'GET /api/v1/retention/rules/:id': 'one retention rule (no record)',
  'GET /api/v1/retention/rules/:id/history': 'the versions of a rule: its settings, times and staff ids (no personal value)',
  'GET /api/v1/retention/runs': 'retention runs: states, times, counts per rule (no record or person id)',
  'GET /api/v1/backups': 'backup runs, drills, targets and schedule: counts, sizes, times, ids and check names (no value of a record)',
  'GET /api/v1/backups/targets/:name': 'the backups a target holds: sequence, id, state, time, counts and sizes',
  'GET /api/v1/retention/runs/:id': 'one run: state, times and counts per rule (no record or person id)',
  'GET /api/v1/retention/runs/:id/certificate': 'the signed certificate of a run: rule ids and counts only',
};

interface ProbeCall {
  res: LightMyRequestResponse;
  /** Data subjects whose data the response carries. */
  subjects: string[];
  /** Field names the event must name (at least these). */
  fields: string[];
  actions: string[];
}

describe.each(testDialects)('read events and the grep test on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let manager: TestUser;
  let managerToken: string;
  let sysadminToken: string;
  let sysadmin: TestUser;
  let auditorToken: string;
  let privacyToken: string;
  let contactIds: string[] = [];
  let dealId = '';

  const call = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const db = () => install.kernel.db.kysely;
  const contactSubjects = async (ids: string[]) =>
    ids.length ? (await db().selectFrom('contacts').select('subject_id').where('id', 'in', ids).execute()).map((r) => r.subject_id) : [];
  const dealSubjects = async (ids: string[]) =>
    ids.length ? (await db().selectFrom('deals').select('subject_id').where('id', 'in', ids).execute()).map((r) => r.subject_id) : [];
  const userSubjects = async (ids: string[]) =>
    ids.length ? (await db().selectFrom('users').select('subject_id').where('id', 'in', ids).execute()).map((r) => r.subject_id) : [];
  /** Personal fields (per the catalogue) that a response item actually carries. */
  const shown = (object: Parameters<typeof protectedFields>[0], items: Record<string, unknown>[]) =>
    protectedFields(object).filter((f) => items.some((item) => item[f] !== undefined && item[f] !== null));

  let sessions: TotpSessions;
  /** A full session with a fresh second factor: TOTP enrolment the first time, a TOTP code after. */
  const signInWithTotp = (email: string) => sessions.fullSession(email, USER_PASSWORD);

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    sessions = new TotpSessions(app);
    manager = await addUser(install.kernel, ['sales_manager'], 'Probe Team');
    managerToken = await tokenFor(install.kernel, manager);
    sysadmin = await addUser(install.kernel, ['system_admin']);
    sysadminToken = await tokenFor(install.kernel, sysadmin);
    auditorToken = await tokenFor(install.kernel, await addUser(install.kernel, ['audit_admin']));
    privacyToken = await tokenFor(install.kernel, await addUser(install.kernel, ['privacy_officer']));
    contactIds = [];
    for (const payload of [
      { name: '张伟', email: 'zhang.wei@example.com', phone: '13700001111', idNumber: '110101198001010011' },
      { name: 'Anna Berg', email: 'anna.berg@example.com', birthDate: '1990-02-03', address: '1 Main Street' },
    ]) {
      const res = await call(managerToken, 'POST', '/api/v1/contacts', payload);
      expect(res.statusCode, res.body).toBe(201);
      contactIds.push(res.json().id);
    }
    const managerCall: SampleCall = (method, url, payload) => call(managerToken, method, url, payload) as never;
    dealId = (await dealFixture(managerCall, { notes: 'Asked 王芳 for the spring flight', contactName: '王芳 Wang Fang' })).dealId;
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  /** The data subjects of rows of a table holding personal values (its `subject_id` column). */
  const rowSubjects = async (table: string, ids: string[]) =>
    ids.length
      ? (await (db() as unknown as import('kysely').Kysely<any>).selectFrom(table).select('subject_id').where('id', 'in', ids).execute()).map((r) =>
          String(r.subject_id),
        )
      : [];
  /**
   * The probe of a store read of `object` (a list or one record): GET `url` as `token`, expecting a
   * read event naming the rows' subjects (those of `ids` when given, else of the rows returned) and
   * the protected fields shown.
   */
  const readProbe = async (token: string, url: string, object: Parameters<typeof protectedFields>[0], ids?: string[]): Promise<ProbeCall[]> => {
    const res = await call(token, 'GET', url);
    const body = res.json();
    const items = (body.items ?? [body]) as Record<string, unknown>[];
    return [
      {
        res,
        subjects: await rowSubjects(object, ids ?? items.map((i) => String(i.id))),
        fields: shown(object, items),
        actions: ['personal_data.read'],
      },
    ];
  };
  /** A case, an activity about it and a consent of the first contact, and a campaign (made once, on first use). */
  let serviceData: Promise<{ agent: string; marketing: string; caseId: string; activity: string; consent: string; campaign: string }> | undefined;
  const service = () => {
    serviceData ??= (async () => {
      const agent = await tokenFor(install.kernel, await addUser(install.kernel, ['service_agent'], 'Probe Team'));
      const marketing = await tokenFor(install.kernel, await addUser(install.kernel, ['marketing'], 'Probe Team'));
      const contactId = contactIds[0] ?? '';
      const made = async (token: string, url: string, payload: object) => {
        const res = await call(token, 'POST', url, payload);
        expect(res.statusCode, res.body).toBe(201);
        return res.json().id as string;
      };
      const caseId = await made(agent, '/api/v1/cases', {
        contactId,
        category: 'complaint',
        priority: 'p2',
        channel: 'wechat',
        description: 'Picture freezes',
      });
      const activity = await made(agent, '/api/v1/activities', {
        kind: 'call',
        aboutObject: 'cases',
        aboutId: caseId,
        subject: 'Call back',
        body: 'Asked to restart',
      });
      const consent = await made(agent, '/api/v1/consents', {
        contactId,
        purpose: 'marketing',
        channel: 'sms',
        status: 'granted',
        source: 'call',
        evidence: 'Said yes on the phone',
      });
      const campaign = await made(marketing, '/api/v1/campaigns', { name: 'Probe', purpose: 'marketing', channel: 'sms' });
      return { agent, marketing, caseId, activity, consent, campaign };
    })();
    return serviceData;
  };

  /** A subscriber desk's records (one of each object with personal fields), made once, on first use. */
  let desk: Promise<{ token: string; ids: Record<string, string> }> | undefined;
  const subscriberDesk = () => {
    desk ??= (async () => {
      const token = await tokenFor(install.kernel, await addUser(install.kernel, ['service_agent'], 'Probe Desk'));
      const make = async (url: string, payload: object) => {
        const res = await call(token, 'POST', url, payload);
        expect(res.statusCode, res.body).toBe(201);
        return String(res.json().id);
      };
      const contact = await make('/api/v1/contacts', { name: '孙丽', phone: '13655556666' });
      const households = await make('/api/v1/households', { headContactId: contact, address: '成都市武侯区人民南路 9 号' });
      const billing_accounts = await make('/api/v1/billing-accounts', {
        contactId: contact,
        accountNumber: 'PROBE-1',
        billingAddress: '成都市武侯区人民南路 9 号',
      });
      const subscriptions = await make('/api/v1/subscriptions', {
        billingAccountId: billing_accounts,
        packageCode: 'BASIC',
        packageKind: 'base',
        priceFen: 2600,
        startDate: '2026-01-01',
      });
      const devices = await make('/api/v1/devices', {
        subscriptionId: subscriptions,
        billingAccountId: billing_accounts,
        kind: 'stb',
        serialNumber: 'PROBE-STB-0001',
      });
      const activated = await call(token, 'POST', `/api/v1/subscriptions/${subscriptions}/activate`, { reason: '装机完成 probe' });
      expect(activated.statusCode, activated.body).toBe(200);
      return { token, ids: { households, billing_accounts, subscriptions, devices } };
    })();
    return desk;
  };
  /** The list and the get of an object of the subscriber desk. */
  const deskProbes = (object: 'households' | 'billing_accounts' | 'devices', plural: string) => ({
    [`GET /api/v1/${plural}`]: async () => readProbe((await subscriberDesk()).token, `/api/v1/${plural}?limit=50`, object),
    [`GET /api/v1/${plural}/:id`]: async () => {
      const { token, ids } = await subscriberDesk();
      const id = ids[object] as string;
      return readProbe(token, `/api/v1/${plural}/${id}`, object, [id]);
    },
  });

  /** How to call each GET route that returns personal data, as a caller allowed to see it. */
  /** A privacy officer and one data-subject request they entered (made once, on first use). */
  let privacyData: Promise<{ officer: string; requestId: string }> | undefined;
  const privacyDesk = () => {
    privacyData ??= (async () => {
      const officer = await tokenFor(install.kernel, await addUser(install.kernel, ['privacy_officer'], 'Privacy Desk'));
      const res = await call(officer, 'POST', '/api/v1/privacy-requests', {
        kind: 'access',
        law: 'gdpr',
        requesterEmail: 'asker@example.com',
        requesterName: 'Ann Asker',
      });
      expect(res.statusCode, res.body).toBe(201);
      return { officer, requestId: res.json().id as string };
    })();
    return privacyData;
  };
  const probes: Record<string, () => Promise<ProbeCall[]>> = {
    'GET /api/v1/privacy-requests': async () => readProbe((await privacyDesk()).officer, '/api/v1/privacy-requests', 'privacy_requests'),
    'GET /api/v1/privacy-requests/:id': async () =>
      readProbe((await privacyDesk()).officer, `/api/v1/privacy-requests/${(await privacyDesk()).requestId}`, 'privacy_requests'),
    'GET /api/v1/activities': async () => readProbe((await service()).agent, '/api/v1/activities', 'activities'),
    'GET /api/v1/activities/:id': async () => readProbe((await service()).agent, `/api/v1/activities/${(await service()).activity}`, 'activities'),
    'GET /api/v1/cases': async () => readProbe((await service()).agent, '/api/v1/cases', 'cases'),
    'GET /api/v1/cases/:id': async () => readProbe((await service()).agent, `/api/v1/cases/${(await service()).caseId}`, 'cases'),
    'GET /api/v1/consents': async () => readProbe((await service()).agent, '/api/v1/consents', 'consents'),
    'GET /api/v1/consents/:id': async () => readProbe((await service()).agent, `/api/v1/consents/${(await service()).consent}`, 'consents'),
    'GET /api/v1/timeline/:object/:id': async () => {
      const { agent, caseId, activity } = await service();
      const res = await call(agent, 'GET', `/api/v1/timeline/cases/${caseId}`);
      const activities = res
        .json()
        .items.filter((i: { type: string }) => i.type === 'activity')
        .map((i: { activity: Record<string, unknown> }) => i.activity);
      expect(activities.map((a: { id: string }) => a.id)).toContain(activity);
      return [{ res, subjects: await rowSubjects('activities', [activity]), fields: shown('activities', activities), actions: ['personal_data.read'] }];
    },
    'GET /api/v1/campaigns/:id/audience': async () => {
      const { marketing, campaign } = await service();
      const res = await call(marketing, 'GET', `/api/v1/campaigns/${campaign}/audience`);
      const items = res.json().items as Record<string, unknown>[];
      expect(items.map((i) => i.id)).toEqual([contactIds[0]]);
      return [{ res, subjects: await contactSubjects([contactIds[0] ?? '']), fields: shown('contacts', items), actions: ['personal_data.read'] }];
    },
    ...deskProbes('households', 'households'),
    ...deskProbes('billing_accounts', 'billing-accounts'),
    ...deskProbes('devices', 'devices'),
    'GET /api/v1/subscription-history': async () => {
      const { token, ids } = await subscriberDesk();
      return readProbe(token, `/api/v1/subscription-history?subscriptionId=${ids.subscriptions}`, 'subscription_history');
    },
    'GET /api/v1/subscription-history/:id': async () => {
      const { token, ids } = await subscriberDesk();
      const [entry] = (await call(token, 'GET', `/api/v1/subscription-history?subscriptionId=${ids.subscriptions}`)).json().items as { id: string }[];
      return readProbe(token, `/api/v1/subscription-history/${entry?.id}`, 'subscription_history', [String(entry?.id)]);
    },
    'GET /api/v1/subscriptions/:id/history': async () => {
      const { token, ids } = await subscriberDesk();
      return readProbe(token, `/api/v1/subscriptions/${ids.subscriptions}/history`, 'subscription_history');
    },
    'GET /api/v1/contacts': async () => {
      const list = await call(managerToken, 'GET', '/api/v1/contacts?limit=50');
      const search = await call(managerToken, 'GET', '/api/v1/contacts?email=ZHANG.WEI@example.com');
      const byName = await call(managerToken, 'GET', `/api/v1/contacts?name=${encodeURIComponent('张伟')}`);
      const probe = async (res: LightMyRequestResponse, actions: string[]) => ({
        res,
        subjects: await contactSubjects(res.json().items.map((c: { id: string }) => c.id)),
        fields: shown('contacts', res.json().items),
        actions,
      });
      return [await probe(list, ['personal_data.read']), await probe(search, ['personal_data.search']), await probe(byName, ['personal_data.search'])];
    },
    'GET /api/v1/contacts/export': async () => {
      const session = await signInWithTotp(manager.email);
      const calls: ProbeCall[] = [];
      for (const format of ['jsonl', 'csv']) {
        const res = await session.call('GET', `/api/v1/contacts/export?format=${format}`);
        const lines = res.body.trim().split('\n');
        const items: Record<string, unknown>[] =
          format === 'jsonl'
            ? lines.map((line) => JSON.parse(line))
            : lines.slice(1).map((line) => Object.fromEntries((lines[0] ?? '').split(',').map((column, i) => [column, line.split(',')[i] || null])));
        calls.push({
          res,
          subjects: await contactSubjects(items.map((c) => String(c.id))),
          fields: shown('contacts', items),
          actions: ['personal_data.export'],
        });
      }
      return calls;
    },
    'GET /api/v1/exports/:object': async () => {
      const session = await signInWithTotp(manager.email);
      const calls: ProbeCall[] = [];
      for (const format of ['jsonl', 'csv']) {
        const res = await session.call('GET', `/api/v1/exports/contacts?format=${format}`);
        const lines = res.body.trim().split('\n');
        const items: Record<string, unknown>[] =
          format === 'jsonl'
            ? lines.map((line) => JSON.parse(line))
            : lines.slice(1).map((line) => Object.fromEntries((lines[0] ?? '').split(',').map((column, i) => [column, line.split(',')[i] || null])));
        calls.push({
          res,
          subjects: await contactSubjects(items.map((c) => String(c.id))),
          fields: shown('contacts', items),
          actions: ['personal_data.export'],
        });
      }
      return calls;
    },
    'GET /api/v1/contacts/:id': async () =>
      Promise.all(
        contactIds.map(async (id) => {
          const res = await call(managerToken, 'GET', `/api/v1/contacts/${id}`);
          return { res, subjects: await contactSubjects([id]), fields: shown('contacts', [res.json()]), actions: ['personal_data.read'] };
        }),
      ),
    'GET /api/v1/contacts/:id/accesses': async () => {
      const id = contactIds[0] ?? '';
      const res = await call(privacyToken, 'GET', `/api/v1/contacts/${id}/accesses`);
      return [{ res, subjects: await contactSubjects([id]), fields: ['actorId', 'ip', 'userAgent', 'note'], actions: ['audit.read'] }];
    },
    'GET /api/v1/deals': async () => {
      const res = await call(managerToken, 'GET', '/api/v1/deals?limit=50');
      return [{ res, subjects: await dealSubjects(res.json().items.map((d: { id: string }) => d.id)), fields: ['notes'], actions: ['personal_data.read'] }];
    },
    'GET /api/v1/deals/:id': async () => {
      const res = await call(managerToken, 'GET', `/api/v1/deals/${dealId}`);
      expect(res.json().notes).toBeTruthy();
      return [{ res, subjects: await dealSubjects([dealId]), fields: ['notes'], actions: ['personal_data.read'] }];
    },
    'GET /api/v1/users': async () => {
      const res = await call(sysadminToken, 'GET', '/api/v1/users?limit=100');
      return [
        {
          res,
          subjects: await userSubjects(res.json().items.map((u: { id: string }) => u.id)),
          fields: shown('users', res.json().items),
          actions: ['personal_data.read'],
        },
      ];
    },
    'GET /api/v1/users/:id': async () => {
      const res = await call(sysadminToken, 'GET', `/api/v1/users/${manager.id}`);
      return [{ res, subjects: await userSubjects([manager.id]), fields: shown('users', [res.json()]), actions: ['personal_data.read'] }];
    },
    'GET /api/v1/me': async () => {
      const res = await call(managerToken, 'GET', '/api/v1/me');
      return [{ res, subjects: await userSubjects([manager.id]), fields: shown('users', [res.json()]), actions: ['personal_data.read'] }];
    },
    'GET /api/v1/audit-events': async () => {
      const [subject] = await contactSubjects([contactIds[1] ?? '']);
      const res = await call(auditorToken, 'GET', `/api/v1/audit-events?subject=${subject}`);
      expect(res.json().items.length).toBeGreaterThan(0);
      return [{ res, subjects: [subject ?? ''], fields: ['actorId', 'ip', 'userAgent', 'subjectIds'], actions: ['audit.read'] }];
    },
  };

  it('every GET route is classified: it returns no personal data, or it has a probe', () => {
    const gets = app.routeInventory.filter((line) => line.startsWith('GET ')).map((line) => line.split(' ').slice(0, 2).join(' '));
    const unclassified = gets.filter((route) => !(route in noPersonalData) && !(route in probes));
    expect(unclassified, 'new GET routes: add a probe below if they return personal data, or a reason to noPersonalData').toEqual([]);
    const twice = gets.filter((route) => route in noPersonalData && route in probes);
    expect(twice).toEqual([]);
    const stale = [...Object.keys(noPersonalData), ...Object.keys(probes)].filter((route) => !gets.includes(route));
    expect(stale, 'classified routes that no longer exist').toEqual([]);
  });

  it('every GET route that returns personal data appends a read event naming the data subjects and fields, in the same request', async () => {
    const routes = app.routeInventory.filter((line) => line.startsWith('GET ')).map((line) => line.split(' ').slice(0, 2).join(' '));
    const probed = routes.filter((route) => route in probes);
    expect(probed.length).toBe(Object.keys(probes).length);
    for (const route of probed) {
      const calls = await (probes[route] as () => Promise<ProbeCall[]>)();
      expect(calls.length, route).toBeGreaterThan(0);
      for (const { res, subjects, fields, actions } of calls) {
        expect(res.statusCode, `${route}: ${res.body}`).toBe(200);
        expect(subjects.length, `${route} returned no data to check`).toBeGreaterThan(0);
        expect(fields.length, `${route} returned no personal field to check`).toBeGreaterThan(0);
        const requestId = String(res.headers['x-request-id']);
        const events = await db().selectFrom('audit_events').selectAll().where('request_id', '=', requestId).execute();
        const read = events.find((e) => actions.includes(e.action));
        expect(read, `${route}: no ${actions.join('/')} event for request ${requestId}`).toBeDefined();
        expect(read?.outcome).toBe('success');
        expect(JSON.parse(read?.subject_ids ?? '[]'), `${route}: subjects`).toEqual(expect.arrayContaining(subjects));
        expect(JSON.parse(read?.fields ?? '[]'), `${route}: fields`).toEqual(expect.arrayContaining(fields));
        const indexed = await db().selectFrom('audit_subjects').select('subject_id').where('seq', '=', Number(read?.seq)).execute();
        expect(
          indexed.map((r) => r.subject_id),
          `${route}: audit_subjects`,
        ).toEqual(expect.arrayContaining(subjects));
      }
    }
  });

  it('writes no personal value into audit_events or audit_subjects, whatever happens (grep test)', async () => {
    const staff = { email: 'Oksana.Vyrypaeva@Example-Staff.ORG', name: 'Oksana Vyrypaeva-Kowalczyk' };
    const staffPassword = 'quartz harbour lamp 5813';
    const person = {
      name: 'Quintavalle Zbigniewska',
      email: 'Zbig.Quintavalle+crm@Example-Mail.ORG',
      phone: '+86 139 7788 4455',
      idNumber: '11010519491231002x',
      birthDate: '1979-11-23',
      address: 'Zbigniewska Boulevard 4242, Haidian',
      wechatId: 'zbigQuint4242',
      jobTitle: 'Superintendent Quintavallian',
    };
    const chinese = { name: '欧阳玥珩', phone: '13566778899', idNumber: '44030619880808123X', address: '深圳市南山区科苑路玥珩大厦' };
    const changed = { email: 'Q.Zbigniewska@Other-Mail.NET', phone: '+86 186 5544 3322', address: 'Vyrypaevska Ulica 9191' };

    // Staff: created by the administrator, read, signed in (also wrongly), profile read.
    const createdUser = await call(sysadminToken, 'POST', '/api/v1/users', { ...staff, password: staffPassword });
    expect(createdUser.statusCode, createdUser.body).toBe(201);
    const staffId = createdUser.json().user.id;
    expect((await call(sysadminToken, 'GET', `/api/v1/users/${staffId}`)).statusCode).toBe(200);
    expect((await call(sysadminToken, 'GET', '/api/v1/users?limit=200')).statusCode).toBe(200);
    expect((await call(sysadminToken, 'PATCH', `/api/v1/users/${staffId}`, { name: `${staff.name} Jr` })).statusCode).toBe(200);
    const anon = new Client(app);
    expect((await anon.call('POST', '/api/v1/auth/login', { email: staff.email.toUpperCase(), password: 'wrong password entirely' })).statusCode).toBe(401);
    expect((await anon.call('POST', '/api/v1/auth/login', { email: 'Oksana.Vyrypaeva@Example-Staff.ORG.cn', password: staffPassword })).statusCode).toBe(401);
    expect((await anon.call('POST', '/api/v1/auth/password-reset', { email: staff.email })).statusCode).toBeLessThan(500);
    const staffSession = new Client(app);
    const login = await staffSession.call('POST', '/api/v1/auth/login', { email: staff.email, password: staffPassword });
    expect(login.statusCode, login.body).toBe(200);
    expect((await staffSession.call('GET', '/api/v1/me')).json().name).toBe(`${staff.name} Jr`);

    // Customers: created, read, listed, searched (several spellings), revealed, changed, refused, deleted.
    const created = await call(managerToken, 'POST', '/api/v1/contacts', person);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const other = await call(managerToken, 'POST', '/api/v1/contacts', chinese);
    expect(other.statusCode, other.body).toBe(201);
    expect((await call(managerToken, 'GET', `/api/v1/contacts/${id}`)).statusCode).toBe(200);
    expect((await call(managerToken, 'GET', '/api/v1/contacts?limit=200')).statusCode).toBe(200);
    const searches = [
      `email=${encodeURIComponent(person.email.toUpperCase())}`,
      `email=${encodeURIComponent(` ${person.email.toLowerCase()} `)}`,
      `phone=${encodeURIComponent('13977884455')}`,
      `phone=${encodeURIComponent(person.phone)}`,
      `idNumber=${person.idNumber.toUpperCase()}`,
      `name=${encodeURIComponent('zbigniewska')}`,
      `name=${encodeURIComponent(chinese.name)}`,
      `phone=${chinese.phone}`,
      `idNumber=${chinese.idNumber.toLowerCase()}`,
    ];
    for (const query of searches) {
      const res = await call(managerToken, 'GET', `/api/v1/contacts?${query}`);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
      expect(res.json().items.length, query).toBe(1);
    }
    for (const [field, value] of [
      ['email', person.email],
      ['phone', person.phone],
      ['name', 'Zbigniewska'],
      ['idNumber', '11010519491231009X'],
      ['email', 'Vyrypaevska.Missing@Example-Mail.ORG'],
    ]) {
      const res = await call(managerToken, 'POST', '/api/v1/contacts/search', { field, value });
      expect(res.statusCode, `${field}: ${res.body}`).toBe(200);
    }
    expect((await call(managerToken, 'GET', `/api/v1/contacts?phone=${encodeURIComponent('+86 139 0000 4455')}`)).json().items).toEqual([]);
    const revealer = await signInWithTotp(manager.email);
    // Staff-typed text, the staff member's browser and address: personal data, sealed, never in the clear.
    const note = `caller Quintavalle Zbigniewska confirmed ${person.idNumber} at Zbigniewska Boulevard 4242`;
    const revealed = await revealer.call(
      'POST',
      `/api/v1/contacts/${id}/reveal`,
      { fields: ['idNumber'], reason: 'caller_verification', note },
      { 'user-agent': 'Mozilla/5.0 (Quintavalle-Workstation-4242)' },
    );
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json().values.idNumber).toBe(person.idNumber);
    expect((await call(managerToken, 'PATCH', `/api/v1/contacts/${id}`, changed)).statusCode).toBe(200);
    const exported = await revealer.call('GET', '/api/v1/contacts/export?format=csv');
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.body.toLowerCase()).toContain(changed.email.toLowerCase());
    expect((await call(managerToken, 'GET', `/api/v1/contacts?email=${encodeURIComponent(changed.email)}`)).json().items).toHaveLength(1);
    expect((await call(managerToken, 'GET', `/api/v1/contacts/${id}/accesses`)).statusCode).toBe(403);
    const accesses = await call(privacyToken, 'GET', `/api/v1/contacts/${id}/accesses`);
    expect(accesses.statusCode).toBe(200);
    expect(accesses.json().items[0]).toMatchObject({ action: 'personal_data.search' });
    expect(accesses.json().items.find((i: { action: string }) => i.action === 'personal_data.reveal')).toMatchObject({
      reason: 'caller_verification',
      note,
      userAgent: 'Mozilla/5.0 (Quintavalle-Workstation-4242)',
    });
    const outsider = await tokenFor(install.kernel, await addUser(install.kernel, ['sales_rep'], 'Elsewhere'));
    expect((await call(outsider, 'GET', `/api/v1/contacts/${id}`)).statusCode).toBe(404);
    expect((await call(outsider, 'PATCH', `/api/v1/contacts/${id}`, { phone: '+86 139 7788 4455' })).statusCode).toBe(404);
    expect((await call(outsider, 'GET', `/api/v1/contacts?email=${encodeURIComponent(person.email)}`)).json().items).toEqual([]);
    expect((await app.inject({ method: 'GET', url: `/api/v1/contacts?phone=${encodeURIComponent(person.phone)}` })).statusCode).toBe(401);
    expect((await call(managerToken, 'POST', '/api/v1/contacts', { ...person, email: 'Zbig.Quintavalle+crm@' })).statusCode).toBe(400);
    expect((await call(managerToken, 'GET', `/api/v1/contacts?idNumber=${encodeURIComponent('11010519491231002x!')}`)).statusCode).toBeLessThan(500);
    expect((await call(auditorToken, 'GET', `/api/v1/audit-events?contact=${id}`)).statusCode).toBe(200);
    expect((await call(managerToken, 'DELETE', `/api/v1/contacts/${id}`)).statusCode).toBe(204);
    expect((await call(managerToken, 'DELETE', `/api/v1/contacts/${other.json().id}`)).statusCode).toBe(204);

    const events = await db().selectFrom('audit_events').selectAll().execute();
    const subjects = await db().selectFrom('audit_subjects').selectAll().execute();
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'user.created',
        'auth.login.failed',
        'auth.login.succeeded',
        'personal_data.read',
        'personal_data.search',
        'personal_data.reveal',
        'personal_data.export',
        'record.updated',
        'record.deleted',
        'access.refused',
        'audit.read',
      ]),
    );
    const haystack = JSON.stringify({ events, subjects }).toLowerCase();
    const forms = new Set<string>();
    const add = (value: string) => {
      for (const v of [value, value.trim(), value.toLowerCase(), value.replace(/\s+/g, '')]) if (v.trim().length >= 2) forms.add(v.toLowerCase());
    };
    for (const value of [...Object.values(staff), ...Object.values(person), ...Object.values(chinese), ...Object.values(changed), `${staff.name} Jr`]) {
      add(value);
      // Distinctive tokens (names, streets), so that a part of a value is found too.
      for (const token of value.split(/[\s,@.+-]+/)) if (token.length >= 8 || /\p{Script=Han}{2,}/u.test(token)) add(token);
    }
    for (const email of [staff.email, person.email, changed.email]) add(normalizeEmail(email));
    for (const phone of [person.phone, chinese.phone, changed.phone]) {
      add(normalizePhone(phone));
      add(phone.replace(/\D/g, '').slice(-11));
    }
    for (const idNumber of [person.idNumber, chinese.idNumber]) add(normalizeIdNumber(idNumber));
    add(person.birthDate.replace(/-/g, ''));
    add('玥珩');
    add(note);
    add('Quintavalle-Workstation-4242');
    add('Vyrypaevska.Missing@Example-Mail.ORG');
    // Every request came from 127.0.0.1 and light-my-request's user agent: neither is in the log in the clear.
    add('127.0.0.1');
    add('lightMyRequest');
    // Control: the forms do find the values where they legitimately are (the API's answers).
    const answers = JSON.stringify([created.json(), other.json(), createdUser.json(), revealed.json()]).toLowerCase();
    expect([person.name, person.email, person.wechatId, chinese.name, staff.email].every((v) => answers.includes(v.toLowerCase()))).toBe(true);
    const found = [...forms].filter((form) => haystack.includes(form));
    expect(found, 'personal values found in the audit trail').toEqual([]);
  });

  /**
   * KNOWN LEAK (http/error-handler.ts, auditRefusal): a request refused before validation (401 without
   * credentials, 403 for a missing permission) records the raw `:id` path parameter as resource_id, so
   * a personal value put in the URL is written in plaintext into the append-only log. `it.fails`
   * keeps the suite green while the leak exists; when it is fixed this test fails: make it an `it`.
   */
  it('writes no personal value from a refused URL into the audit trail (known leak: raw :id of refusals)', async () => {
    const value = 'Refused.Quintavalle@Example-Mail.ORG';
    const noCredentials = await app.inject({ method: 'GET', url: `/api/v1/contacts/${encodeURIComponent(value)}` });
    expect(noCredentials.statusCode).toBe(401);
    const noPermission = await call(managerToken, 'GET', `/api/v1/contacts/${encodeURIComponent(value)}/accesses`);
    expect(noPermission.statusCode).toBe(403);
    const events = await db().selectFrom('audit_events').selectAll().execute();
    expect(JSON.stringify(events).toLowerCase()).not.toContain(value.toLowerCase());
  });
});
