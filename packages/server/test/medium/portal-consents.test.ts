import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildAccessPackage } from '../../src/modules/subject-data/access-package.js';
import { openPackage } from '../../src/modules/subject-data/package-crypto.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { SubjectRights } from '../../src/platform/data/subject-rights.js';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { SmtpInbox, unfold } from '../helpers/smtp-inbox.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';
import { expectSimilarTiming } from '../helpers/timing-parity.js';

/**
 * The privacy portal's consent pages and package download over HTTP with real SMTP, attacked: an
 * unverified caller learns nothing about whether anyone has the address; a code is five tries, once;
 * a verified person sees the current notices and their consents, and every give or withdraw is a
 * new ledger entry (earlier entries untouched); a grant needs the purpose's notice; `Sec-GPC: 1`
 * records the opt-out once; a package link downloads once, then answers 410, every outcome audited.
 */
describe.each(testDialects)('the portal consent pages and package download on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const inbox = new SmtpInbox();
  const { call, created, addCallers } = apiCallers(() => app);
  const db = () => install.kernel.db.kysely as any;
  let address = 0;
  const fromNewAddress = () => `203.0.113.${(address++ % 250) + 1}`;
  const portal = (url: string, payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers, remoteAddress: fromNewAddress() });
  let contactId: string;
  let sensitiveNotice: string;
  const later = () => vi.setSystemTime(new Date(Date.now() + 1000));

  const codeFor = async (email: string, session: string): Promise<string> => {
    for (let i = 0; i < 100; i += 1) {
      const mail = inbox.mails.filter((m) => m.to.includes(email) && unfold(m).includes(session)).at(-1);
      const code = /Verification code: (\d{6})/.exec(unfold(mail))?.[1];
      if (code) return code;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no code mailed to ${email}`);
  };
  const open = async (email: string) => {
    const res = await portal('/api/v1/portal/consent-sessions', { email });
    expect(res.statusCode, res.body).toBe(202);
    return res.json() as { status: string; session: string };
  };
  const signIn = async (email: string, headers: Record<string, string> = {}) => {
    const { session } = await open(email);
    const res = await portal('/api/v1/portal/consent-sessions/verify', { session, code: await codeFor(email, session) }, headers);
    expect(res.statusCode, res.body).toBe(200);
    return { session, sessionKey: res.json().sessionKey as string };
  };
  const ledger = async () => (await call('officer', 'GET', `/api/v1/consents?contactId=${contactId}&limit=100`)).json().items as Record<string, unknown>[];

  beforeAll(async () => {
    const smtpUrl = await inbox.start();
    ({ install, app } = await startTestApp(dialect, { CASTELLAN_SMTP_URL: smtpUrl }));
    vi.setSystemTime(new Date('2026-03-02T09:00:00Z'));
    await addCallers(install.kernel, { manager: [['sales_manager'], 'North'], agent: [['service_agent'], 'North'], officer: [['privacy_officer']] });
    contactId = (await created('manager', '/api/v1/contacts', { name: '李雷', email: 'lilei@portal.example' })).id;
    await created('agent', '/api/v1/consents', { contactId, purpose: 'marketing', channel: 'email', status: 'granted', source: 'web_form' });
    sensitiveNotice = (
      await created('officer', '/api/v1/privacy-notices', {
        purpose: 'sensitive_pi',
        titleZh: '敏感个人信息',
        titleEn: 'Sensitive personal information',
        textZh: '我们为核实身份处理您的证件号码。',
        textEn: 'We process your ID number to verify your identity.',
      })
    ).id;
    await created('officer', '/api/v1/privacy-notices', {
      purpose: 'marketing',
      titleZh: '营销',
      titleEn: 'Marketing',
      textZh: '我们向您发送节目推荐。',
      textEn: 'We send you programme recommendations.',
    });
    later();
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
    await inbox.stop();
  });

  it('answers a person on record and a stranger alike, stores no address, and refuses wrong codes and unknown sessions alike', async () => {
    const known = await open('lilei@portal.example');
    const stranger = await open('nobody@portal.example');
    expect(Object.keys(known)).toEqual(Object.keys(stranger));
    expect(known.status).toBe(stranger.status);
    const code = await codeFor('lilei@portal.example', known.session);
    await codeFor('nobody@portal.example', stranger.session);
    const rows = await db().selectFrom('portal_consent_sessions').selectAll().execute();
    const stored = JSON.stringify(rows);
    for (const plain of ['lilei', 'nobody', code]) expect(stored).not.toContain(plain);
    const unknown = await portal('/api/v1/portal/consent-sessions/verify', { session: '0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee', code: '123456' });
    const wrong = await portal('/api/v1/portal/consent-sessions/verify', { session: known.session, code: code === '000000' ? '111111' : '000000' });
    expect([unknown.statusCode, wrong.statusCode]).toEqual([422, 422]);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    const noKey = await portal('/api/v1/portal/consent-sessions/consents', { session: known.session, sessionKey: 'x'.repeat(32) });
    const noSession = await portal('/api/v1/portal/consent-sessions/consents', { session: 'not-a-session', sessionKey: 'x'.repeat(32) });
    expect([noKey.statusCode, noSession.statusCode]).toEqual([404, 404]);
    expect(noKey.json().error.message).toBe(noSession.json().error.message);
  });

  it('takes about as long for a person on record as for a stranger', async () => {
    const times = await expectSimilarTiming(
      () => open('lilei@portal.example'),
      (i) => open(`stranger-${i}@portal.example`),
      'portal consent session',
    );
    console.info(`portal consent session median: on record ${times.known.toFixed(1)} ms, stranger ${times.unknown.toFixed(1)} ms (${dialect})`);
  });

  it('takes at most five tries at a code, however many arrive at once, and a right code verifies once', async () => {
    const { session } = await open('guesser@portal.example');
    const code = await codeFor('guesser@portal.example', session);
    const wrongCode = code === '999999' ? '999998' : '999999';
    const guesses = await Promise.all(Array.from({ length: 20 }, () => portal('/api/v1/portal/consent-sessions/verify', { session, code: wrongCode })));
    expect(guesses.every((g) => g.statusCode === 422)).toBe(true);
    expect((await portal('/api/v1/portal/consent-sessions/verify', { session, code })).statusCode).toBe(422);
    const failures = await db().selectFrom('audit_events').select('detail').where('action', '=', 'portal_consent.verification_failed').execute();
    expect(failures.length).toBeGreaterThanOrEqual(21);

    const racer = await open('racer@portal.example');
    const right = await codeFor('racer@portal.example', racer.session);
    const racing = await Promise.all(
      Array.from({ length: 8 }, () => portal('/api/v1/portal/consent-sessions/verify', { session: racer.session, code: right })),
    );
    expect(racing.filter((r) => r.statusCode === 200)).toHaveLength(1);
  });

  it('shows a verified person the current notices and their consents, and appends every give and withdraw to the ledger', async () => {
    const { session, sessionKey } = await signIn('lilei@portal.example');
    const view = (await portal('/api/v1/portal/consent-sessions/consents', { session, sessionKey })).json();
    expect(view.notices.map((n: { purpose: string }) => n.purpose).sort()).toEqual(['marketing', 'sensitive_pi']);
    const line = (v: typeof view, purpose: string, channel: string) => v.consents.find((c: any) => c.purpose === purpose && c.channel === channel);
    expect(line(view, 'marketing', 'email').state).toBe('granted');
    expect(line(view, 'sensitive_pi', 'any')).toMatchObject({ state: 'none', noticeId: sensitiveNotice });
    expect(view.gpcSignal).toBe(false);
    const before = await ledger();

    const decided = await portal('/api/v1/portal/consent-sessions/decisions', {
      session,
      sessionKey,
      decisions: [
        { purpose: 'sensitive_pi', channel: 'any', status: 'granted' },
        { purpose: 'marketing', channel: 'email', status: 'withdrawn' },
      ],
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(line(decided.json(), 'sensitive_pi', 'any').state).toBe('granted');
    expect(line(decided.json(), 'marketing', 'email').state).toBe('withdrawn');
    later();
    const withdrawn = await portal('/api/v1/portal/consent-sessions/decisions', {
      session,
      sessionKey,
      decisions: [{ purpose: 'sensitive_pi', channel: 'any', status: 'withdrawn' }],
    });
    expect(line(withdrawn.json(), 'sensitive_pi', 'any').state).toBe('withdrawn');

    const after = await ledger();
    expect(after).toHaveLength(before.length + 3);
    // Appended, never changed: every earlier entry is still there as it was.
    for (const entry of before) expect(after).toContainEqual(entry);
    const added = after.filter((e) => !before.some((b) => b.id === e.id));
    expect(added.every((e) => e.source === 'portal' && e.recordedBy == null)).toBe(true);
    expect(added.find((e) => e.purpose === 'sensitive_pi' && e.status === 'granted')).toMatchObject({ noticeId: sensitiveNotice, lawfulBasis: 'consent' });
  });

  it('refuses a grant with no notice and a channel that does not fit, recording nothing', async () => {
    const { session, sessionKey } = await signIn('lilei@portal.example');
    const before = (await ledger()).length;
    for (const decisions of [
      [{ purpose: 'cross_border_transfer', channel: 'any', status: 'granted' }],
      [{ purpose: 'sensitive_pi', channel: 'email', status: 'granted' }],
      [{ purpose: 'marketing', channel: 'any', status: 'withdrawn' }],
    ]) {
      const res = await portal('/api/v1/portal/consent-sessions/decisions', { session, sessionKey, decisions });
      expect(res.statusCode, res.body).toBe(422);
    }
    expect((await ledger()).length).toBe(before);
    // A stranger's session answers the same shape and records nothing.
    const stranger = await signIn('nobody@portal.example');
    const res = await portal('/api/v1/portal/consent-sessions/decisions', {
      ...stranger,
      decisions: [{ purpose: 'marketing', channel: 'sms', status: 'withdrawn' }],
    });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json()).sort()).toEqual(['consents', 'gpcSignal', 'notices', 'optedOutOfSaleShare']);
    expect(res.json().consents.every((c: { state: string }) => c.state === 'none')).toBe(true);
  });

  it('records a Global Privacy Control signal as an opt-out of sale / sharing, once', async () => {
    const gpc = { 'sec-gpc': '1' };
    const { session, sessionKey } = await signIn('lilei@portal.example', gpc);
    const view = (await portal('/api/v1/portal/consent-sessions/consents', { session, sessionKey }, gpc)).json();
    expect(view).toMatchObject({ gpcSignal: true, optedOutOfSaleShare: true });
    const signals = (await ledger()).filter((e) => e.purpose === 'sale_share' && e.source === 'gpc');
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ status: 'withdrawn', channel: 'any' });
  });

  it('lets a session lapse after 30 minutes', async () => {
    const { session, sessionKey } = await signIn('lilei@portal.example');
    vi.setSystemTime(new Date(Date.now() + 31 * 60_000));
    expect((await portal('/api/v1/portal/consent-sessions/consents', { session, sessionKey })).statusCode).toBe(404);
  });

  it('downloads a package once on the portal, then refuses; every outcome audited', async () => {
    const subjectId = await new SubjectRights(install.kernel).subjectOf('contacts', contactId);
    const built = await buildAccessPackage(install.kernel, asSystem('test: a package for the portal'), noRequest, subjectId, { format: 'json' });
    const first = await portal('/api/v1/portal/access-packages', { token: built.token });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(openPackage(built.passphrase, first.rawPayload).toString('utf8')).records.contacts[0].email).toBe('lilei@portal.example');
    const again = await portal('/api/v1/portal/access-packages', { token: built.token });
    expect([again.statusCode, again.json().error.code]).toEqual([410, 'link_used']);
    const lapsing = await buildAccessPackage(install.kernel, asSystem('test: a package for the portal'), noRequest, subjectId, { format: 'json' });
    vi.setSystemTime(new Date(Date.now() + 24 * 60 * 60_000 + 1000));
    const lapsed = await portal('/api/v1/portal/access-packages', { token: lapsing.token });
    expect([lapsed.statusCode, lapsed.json().error.code]).toEqual([410, 'link_expired']);
    expect((await portal('/api/v1/portal/access-packages', { token: 'A'.repeat(43) })).statusCode).toBe(404);
    const events = await db().selectFrom('audit_events').select(['action', 'detail']).where('resource', '=', 'access_packages').execute();
    const actions = events.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'subject.access_package_downloaded').length).toBeGreaterThanOrEqual(1);
    expect(actions.filter((a: string) => a === 'subject.access_package_refused').length).toBeGreaterThanOrEqual(2);
  });
});
