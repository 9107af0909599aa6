import { describe, expect, it } from 'vitest';
import { roleChange } from '../../src/features/admin/roles/matrix';
import { isSeparationRefusal, parseReason, separationReasons } from '../../src/features/admin/roles/separation';
import { auditQuery, describeVerify, emptyFilters } from '../../src/features/audit/audit-query';
import { licenceRevenueByYear, mainCurrency, monthLabel, revenueByMonth } from '../../src/features/dashboards/shape';

const holder = '0b6f7c2e-8a1d-4c3e-9f2a-1d2c3b4a5e6f';

describe('三员分立 refusals read from the API', () => {
  it('reads a role that would combine two duties', () => {
    expect(parseReason('a role may not combine the system and audit administrator duties (等保 三员分立)')).toEqual([
      { kind: 'two_duties', who: 'role', userId: undefined, duties: ['system', 'audit'] },
    ]);
  });

  it('reads a duty with personal data, and names the permissions', () => {
    expect(
      parseReason('a role may not combine the security administrator duty with a permission on personal data (contacts.read, contacts.export; 等保 三员分立)'),
    ).toEqual([{ kind: 'duty_and_personal_data', who: 'role', userId: undefined, duties: ['security'], permissions: ['contacts.read', 'contacts.export'] }]);
  });

  it('reads every problem of a holder, in order, with who holds the role', () => {
    const line = `user ${holder}: one user may not combine the security administrator duty with audit.personal (等保 三员分立); one user may not combine the security and audit administrator duties (等保 三员分立)`;
    expect(parseReason(line)).toEqual([
      { kind: 'duty_and_audit_personal', who: 'user', userId: holder, duties: ['security'] },
      { kind: 'two_duties', who: 'user', userId: holder, duties: ['security', 'audit'] },
    ]);
  });

  it('keeps a reason it does not know as the API wrote it, and tells other refusals apart', () => {
    expect(separationReasons(['unknown permission x.y'], 'the role change is not acceptable')).toEqual([{ kind: 'other', text: 'unknown permission x.y' }]);
    expect(separationReasons(undefined, 'a role may not combine the system and security administrator duties (等保 三员分立)')[0]?.kind).toBe('two_duties');
    expect(isSeparationRefusal('the role change is not acceptable: a role may not … (等保 三员分立)', [])).toBe(true);
    expect(isSeparationRefusal('the role change is not acceptable: unknown permission x.y', ['unknown permission x.y'])).toBe(false);
  });
});

describe('role edits', () => {
  const before = { permissions: ['audit.read'], scope: { contacts: 'team' }, fields: { users: { email: 'masked', name: 'masked' } } };
  it('sends only what changed', () => {
    expect(roleChange(before, structuredClone(before))).toEqual({});
    expect(roleChange(before, { ...before, permissions: ['audit.read', 'users.manage'] })).toEqual({ permissions: ['audit.read', 'users.manage'] });
    expect(roleChange(before, { ...before, scope: { contacts: 'all' } })).toEqual({ scope: { contacts: 'all' } });
    expect(roleChange(before, { ...before, fields: { users: { email: 'readable', name: 'masked' } } })).toEqual({
      fields: { users: { email: 'readable', name: 'masked' } },
    });
  });
  it('treats a field set to hidden like a field without a rule', () => {
    expect(roleChange(before, { ...before, fields: { users: { email: 'masked', name: 'masked', phone: 'hidden' } } })).toEqual({});
  });
});

describe('audit log query and verification', () => {
  it('sends only the filters given, times as ISO instants', () => {
    const query = auditQuery({ ...emptyFilters, action: ' auth.login.* ', from: '2026-03-01T08:30' }, 'c1');
    expect(query).toEqual({ limit: 50, action: 'auth.login.*', from: new Date('2026-03-01T08:30').toISOString(), cursor: 'c1' });
  });
  it('says an intact chain and names the first tampered event', () => {
    expect(describeVerify({ intact: true, events: 40, checkpoints: 2, lastSeq: 40 })).toEqual({
      key: 'audit:verify.intact',
      values: { events: 40, checkpoints: 2, last: 40 },
    });
    expect(
      describeVerify({
        intact: false,
        events: 4,
        checkpoints: 0,
        lastSeq: 4,
        problem: { kind: 'altered', seq: 5, eventId: 'e5', message: 'event 5 was altered' },
      }),
    ).toEqual({ key: 'audit:verify.problems.altered', values: { seq: 5, id: 'e5', checked: 4 } });
    expect(
      describeVerify({ intact: false, events: 0, checkpoints: 0, lastSeq: null, problem: { kind: 'new_kind', seq: null, eventId: null, message: '' } }).key,
    ).toBe('audit:verify.problems.unknown');
  });
});

describe('dashboard shapes', () => {
  it('pivots bookings revenue to months × channels', () => {
    const { rows, channels } = revenueByMonth([
      { channelId: 'a', channelCode: 'CCTV-1', month: '2026-02', bookings: 2, netAmount: 500 },
      { channelId: 'b', channelCode: 'FM101', month: '2026-01', bookings: 1, netAmount: 100 },
      { channelId: 'a', channelCode: 'CCTV-1', month: '2026-01', bookings: 1, netAmount: 300 },
    ]);
    expect(channels).toEqual(['CCTV-1', 'FM101']);
    expect(rows).toEqual([
      { month: '2026-01', 'CCTV-1': 300, FM101: 100 },
      { month: '2026-02', 'CCTV-1': 500, FM101: 0 },
    ]);
  });
  it('sums licence fees per year and currency', () => {
    const base = { titleZh: null, titleEn: null, licences: 1 };
    expect(
      licenceRevenueByYear([
        { ...base, titleId: 't1', year: 2025, currency: 'USD', feeFen: 100 },
        { ...base, titleId: 't2', year: 2025, currency: 'USD', feeFen: 50 },
        { ...base, titleId: 't1', year: 2024, currency: 'CNY', feeFen: 70 },
      ]),
    ).toEqual({
      rows: [
        { year: 2024, CNY: 70, USD: 0 },
        { year: 2025, CNY: 0, USD: 150 },
      ],
      currencies: ['CNY', 'USD'],
    });
  });
  it('picks the currency most money is in, and labels months per locale', () => {
    expect(
      mainCurrency([
        { currency: 'USD', amount: 10 },
        { currency: 'CNY', amount: 900 },
        { currency: 'USD', amount: 20 },
      ]),
    ).toBe('CNY');
    expect(mainCurrency([])).toBeNull();
    expect(monthLabel('2026-03', 'en-GB')).toBe('Mar 2026');
    expect(monthLabel('2026-03', 'zh-CN')).toBe('2026年3月');
  });
});
