import { describe, expect, it } from 'vitest';
import { formatJsonLine } from '../../../src/platform/audit/siem/jsonl-format.js';
import { newId } from '../../../src/platform/data/ids.js';
import { createAlertMessage } from '../../../src/platform/monitor/delivery/alert-message.js';
import {
  type Alert,
  createRuleEngine,
  DistinctWindow,
  defaultRuleConfig,
  FirstSeenSet,
  fromAuditJson,
  isSkipped,
  type MonitorEvent,
  RULE_CATALOGUE,
  RULE_IDS,
  type RuleConfig,
  type RuleEngine,
  ruleSettingsFile,
  validateRuleConfig,
  WindowCounter,
} from '../../../src/platform/monitor/rules/index.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2024-03-04 00:00 in Beijing, the configured time zone. */
const T0 = Date.parse('2024-03-04T00:00:00+08:00');
/** Monday of the sixth week, 10:00: after five weeks of normal work. */
const ATTACK = T0 + 35 * DAY + 10 * HOUR;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const uid = (n: number) => `0190f000-0000-7000-8000-${hex(n, 12)}`;
const sid = (n: number) => `0190e000-0000-7000-8000-${hex(n, 12)}`;
const tokenId = (n: number) => hex(n, 32);
const ip = (n: number) => `ip:${hex(n, 16)}`;
const ua = (n: number) => `ua:${hex(n, 16)}`;
const acct = (n: number) => `acct:${hex(n, 32)}`;
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
/** forEach for builder calls, which return the builder. */
function each<T>(items: readonly T[], build: (item: T, index: number) => unknown): void {
  for (const [index, item] of items.entries()) build(item, index);
}

const USERS = range(1, 5).map(uid);
const OFFICE = ip(1);
const ATTACKER = ip(666);
const VICTIM = uid(9);
const ADMIN = uid(8);

type Row = Record<string, unknown>;

/** Builds exported audit rows (the JSON-lines shape) in any order; `rows()` sorts them by time and numbers them. */
class Trail {
  private readonly pending: Row[] = [];
  private readonly flagged = new Map<string, 'minor' | 'vip'>();

  add(at: number, action: string, row: Row): this {
    this.pending.push({
      id: newId(at),
      at: new Date(at).toISOString(),
      actor_kind: 'user',
      actor_id: null,
      action,
      outcome: 'success',
      resource: null,
      resource_id: null,
      subject_ids: null,
      fields: null,
      request_id: null,
      ip: OFFICE,
      user_agent: ua(1),
      detail: null,
      ...row,
      chain: { prev: '0'.repeat(64), hash: '0'.repeat(64) },
    });
    return this;
  }
  failed(at: number, user: string | null, address = ATTACKER, reason = user ? 'wrong_password' : 'unknown_account'): this {
    return this.add(at, 'auth.login.failed', {
      actor_kind: user ? 'user' : 'anonymous',
      actor_id: user,
      outcome: 'failure',
      resource: 'users',
      resource_id: user,
      ip: address,
      detail: { reason },
    });
  }
  signIn(at: number, user: string, address = OFFICE, device = ua(1)): this {
    return this.add(at, 'auth.login.succeeded', {
      actor_id: user,
      resource: 'sessions',
      resource_id: newId(at),
      ip: address,
      user_agent: device,
      detail: { mfa: false },
    });
  }
  read(at: number, user: string, subjects: string[], address = OFFICE, device = ua(1)): this {
    return this.add(at, 'personal_data.read', {
      actor_id: user,
      resource: 'contacts',
      subject_ids: subjects,
      fields: ['name', 'phone'],
      ip: address,
      user_agent: device,
    });
  }
  search(at: number, user: string, found: string[], address = OFFICE, device = ua(1)): this {
    return this.add(at, 'personal_data.search', {
      actor_id: user,
      resource: 'contacts',
      subject_ids: found,
      fields: ['phone'],
      ip: address,
      user_agent: device,
      detail: { searchedBy: 'phone', count: found.length, searchedMasked: true },
    });
  }
  reveal(at: number, user: string, subject: string, address = OFFICE, device = ua(1)): this {
    return this.add(at, 'personal_data.reveal', {
      actor_id: user,
      resource: 'contacts',
      subject_ids: [subject],
      fields: ['phone'],
      ip: address,
      user_agent: device,
      detail: { reason: 'callback' },
    });
  }
  exported(at: number, user: string, subjects: string[], address = OFFICE, device = ua(1)): this {
    return this.add(at, 'personal_data.export', {
      actor_id: user,
      resource: 'contacts',
      subject_ids: subjects,
      ip: address,
      user_agent: device,
      detail: { count: subjects.length },
    });
  }
  flag(subject: string, flag: 'minor' | 'vip'): this {
    this.flagged.set(subject, flag);
    return this;
  }
  /** The caller's enrichment: flags of the event's subjects, looked up outside the audit trail. */
  enrich(event: MonitorEvent): MonitorEvent {
    const vip = event.subjectIds.filter((s) => this.flagged.get(s) === 'vip');
    const minor = event.subjectIds.filter((s) => this.flagged.get(s) === 'minor');
    return vip.length || minor.length ? { ...event, sensitive: { vip, minor } } : event;
  }
  rows(): Row[] {
    return [...this.pending].sort((a, b) => Date.parse(a.at as string) - Date.parse(b.at as string)).map((row, i) => ({ ...row, seq: i + 1 }));
  }
}

/** mulberry32: a small seeded generator, so the normal weeks are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A normal working day of five colleagues (four in the office behind one address, one at home):
 * sign-in between 9:00 and 9:30, now and then after a typo; thirty reads of one to three subscribers
 * from 9:30 to 17:30; five searches, one of which finds nobody; sometimes a reveal; sign-out after
 * 18:00; and one export of 40 subscribers by one of them.
 */
function normalDay(trail: Trail, day: number, rand: () => number): void {
  const midnight = T0 + day * DAY;
  const pick = () => sid(1 + Math.floor(rand() * 300));
  each(USERS, (user, i) => {
    const address = i === 4 ? ip(50) : OFFICE;
    const device = ua(i + 1);
    const start = midnight + 9 * HOUR + Math.floor(rand() * 30) * MIN;
    if (rand() < 0.15) trail.failed(start - 40 * SEC, user, address);
    trail.signIn(start, user, address, device);
    for (let k = 0; k < 30; k++) {
      const subjects = range(0, 1 + Math.floor(rand() * 3)).map(pick);
      trail.read(midnight + 9.5 * HOUR + Math.floor(rand() * 8 * HOUR), user, subjects, address, device);
    }
    for (let k = 0; k < 5; k++) trail.search(midnight + 9.5 * HOUR + Math.floor(rand() * 8 * HOUR), user, k === 0 ? [] : [pick()], address, device);
    if (rand() < 0.3) trail.reveal(midnight + 14 * HOUR + Math.floor(rand() * HOUR), user, pick(), address, device);
    trail.add(midnight + 18 * HOUR + Math.floor(rand() * 20) * MIN, 'auth.logout', { actor_id: user, ip: address, user_agent: device });
  });
  trail.exported(midnight + 16 * HOUR, USERS[day % 5] as string, range(1, 40).map(sid), day % 5 === 4 ? ip(50) : OFFICE, ua((day % 5) + 1));
}

/** Five weeks of normal weekdays (days 0–32; weekends idle). */
function normalWeeks(trail: Trail, weeks = 5): Trail {
  const rand = random(12);
  for (let day = 0; day < weeks * 7; day++) if (day % 7 < 5) normalDay(trail, day, rand);
  return trail;
}

function feed(trail: Trail, engine: RuleEngine, rows = trail.rows()): Alert[] {
  const alerts: Alert[] = [];
  for (const row of rows) {
    const event = fromAuditJson(row);
    if (isSkipped(event)) throw new Error(`test row skipped: ${event.skipped}`);
    alerts.push(...engine.score(trail.enrich(event)));
  }
  return alerts;
}

function configWith(rules: Record<string, unknown>): RuleConfig {
  const result = validateRuleConfig({ rules });
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.config;
}

const raisedOf = (alerts: Alert[]) => alerts.filter((a) => a.notify).map((a) => ({ ruleId: a.ruleId, entity: a.entity }));

interface Scenario {
  name: string;
  history: boolean;
  build: (trail: Trail) => void;
  raised: { ruleId: string; entity: { kind: string; id: string } }[];
  priority?: number;
  evidence?: Record<string, unknown>;
}

const vipFlagged = sid(9001);
const minors = range(9100, 5).map(sid);

const scenarios: Scenario[] = [
  {
    name: 'brute force: 10 wrong passwords on one account in 4.5 min',
    history: false,
    build: (t) => each(range(0, 10), (i) => t.failed(ATTACK + i * 30 * SEC, VICTIM)),
    raised: [{ ruleId: 'brute-force-account', entity: { kind: 'account', id: VICTIM } }],
    priority: 5,
    evidence: { failures: 10, threshold: 10, windowMinutes: 10, lastAddress: ATTACKER },
  },
  { name: 'brute force: 9 are not enough', history: false, build: (t) => each(range(0, 9), (i) => t.failed(ATTACK + i * 30 * SEC, VICTIM)), raised: [] },
  {
    name: 'brute force: 10 throttled attempts on one account pseudonym',
    history: false,
    build: (t) =>
      each(range(0, 10), (i) =>
        t.add(ATTACK + i * 20 * SEC, 'auth.login.throttled', { actor_kind: 'anonymous', outcome: 'refused', ip: ATTACKER, detail: { account: acct(5) } }),
      ),
    raised: [{ ruleId: 'brute-force-account', entity: { kind: 'account', id: acct(5) } }],
  },
  {
    name: 'brute force from an address: 50 unknown accounts in 8.2 min',
    history: false,
    build: (t) => each(range(0, 50), (i) => t.failed(ATTACK + i * 10 * SEC, null)),
    raised: [{ ruleId: 'brute-force-address', entity: { kind: 'address', id: ATTACKER } }],
    priority: 5,
    evidence: { failures: 50, successes: 0, failureShare: 1, threshold: 50, windowMinutes: 10 },
  },
  {
    name: 'brute force from an address: 49 are not enough',
    history: false,
    build: (t) => each(range(0, 49), (i) => t.failed(ATTACK + i * 10 * SEC, null)),
    raised: [],
  },
  {
    name: 'spraying: one failure on each of 20 accounts',
    history: false,
    build: (t) => each(range(0, 20), (i) => t.failed(ATTACK + i * 20 * SEC, uid(100 + i))),
    raised: [{ ruleId: 'spraying-address', entity: { kind: 'address', id: ATTACKER } }],
    priority: 6,
    evidence: { accounts: 20, failures: 20, successes: 0, failureShare: 1, threshold: 20, windowMinutes: 10 },
  },
  {
    name: 'spraying: 19 accounts are not enough',
    history: false,
    build: (t) => each(range(0, 19), (i) => t.failed(ATTACK + i * 20 * SEC, uid(100 + i))),
    raised: [],
  },
  {
    name: 'credential stuffing: 10 failures on 5 accounts, then a success',
    history: false,
    build: (t) => {
      each(range(0, 10), (i) => t.failed(ATTACK + i * MIN, uid(200 + (i % 5))));
      t.signIn(ATTACK + 11 * MIN, uid(204), ATTACKER);
    },
    raised: [{ ruleId: 'stuffing-success', entity: { kind: 'user', id: uid(204) } }],
    priority: 8,
    evidence: { failures: 10, accounts: 5, successes: 1, failureShare: 0.91, address: ATTACKER, windowMinutes: 60 },
  },
  {
    name: 'credential stuffing: failures on only 4 accounts, then a success',
    history: false,
    build: (t) => {
      each(range(0, 10), (i) => t.failed(ATTACK + i * MIN, uid(200 + (i % 4))));
      t.signIn(ATTACK + 11 * MIN, uid(203), ATTACKER);
    },
    raised: [],
  },
  {
    name: 'mass viewing: 200 distinct subscribers in 38 min',
    history: false,
    build: (t) => each(range(0, 20), (i) => t.read(ATTACK + i * 2 * MIN, uid(1), range(i * 10, 10).map(sid))),
    raised: [{ ruleId: 'mass-view', entity: { kind: 'user', id: uid(1) } }],
    priority: 6,
    evidence: { subjects: 200, threshold: 200, windowMinutes: 60 },
  },
  {
    name: 'mass viewing: 199 subscribers, some read twice',
    history: false,
    build: (t) =>
      each(range(0, 20), (i) =>
        t.read(
          ATTACK + i * 2 * MIN,
          uid(1),
          range(i * 10, i === 19 ? 9 : 10)
            .concat([0])
            .map(sid),
        ),
      ),
    raised: [],
  },
  {
    name: 'mass export: 600 subscribers and 400 account rows in a day',
    history: false,
    build: (t) => {
      t.exported(ATTACK, uid(2), range(0, 600).map(sid));
      t.add(ATTACK + 5 * HOUR, 'record.exported', { actor_id: uid(2), resource: 'accounts', detail: { count: 400 } });
    },
    raised: [{ ruleId: 'mass-export', entity: { kind: 'user', id: uid(2) } }],
    priority: 7,
    evidence: { rows: 1000, threshold: 1000, windowMinutes: 1440 },
  },
  {
    name: 'mass export: 999 rows',
    history: false,
    build: (t) => {
      t.exported(ATTACK, uid(2), range(0, 600).map(sid));
      t.add(ATTACK + 5 * HOUR, 'record.exported', { actor_id: uid(2), resource: 'accounts', detail: { count: 399 } });
    },
    raised: [],
  },
  {
    name: 'reveal burst: 10 reveals in 9 min',
    history: false,
    build: (t) => each(range(0, 10), (i) => t.reveal(ATTACK + i * MIN, uid(3), sid(i))),
    raised: [{ ruleId: 'reveal-burst', entity: { kind: 'user', id: uid(3) } }],
    priority: 6,
    evidence: { reveals: 10, threshold: 10, windowMinutes: 15 },
  },
  {
    name: 'reveal burst: 10 reveals spread over 27 min',
    history: false,
    build: (t) => each(range(0, 10), (i) => t.reveal(ATTACK + i * 3 * MIN, uid(3), sid(i))),
    raised: [],
  },
  {
    name: 'slow enumeration: 50 searches that find nobody in 16 h',
    history: false,
    build: (t) => each(range(0, 50), (i) => t.search(ATTACK + i * 20 * MIN, uid(4), [])),
    raised: [{ ruleId: 'slow-enumeration', entity: { kind: 'user', id: uid(4) } }],
    priority: 5,
    evidence: { misses: 50, threshold: 50, windowMinutes: 1440 },
  },
  {
    name: 'slow enumeration: 49 misses among hits',
    history: false,
    build: (t) => {
      each(range(0, 49), (i) => t.search(ATTACK + i * 20 * MIN, uid(4), []));
      each(range(0, 10), (i) => t.search(ATTACK + i * 20 * MIN + 10 * MIN, uid(4), [sid(i)]));
    },
    raised: [],
  },
  {
    name: 'off-hours: four events at 02:00 on a Saturday, never active then',
    history: true,
    build: (t) => {
      const saturday2am = T0 + 33 * DAY + 2 * HOUR;
      t.signIn(saturday2am + MIN, uid(1));
      each(range(1, 3), (i) => t.read(saturday2am + i * 5 * MIN, uid(1), [sid(i)]));
    },
    raised: [{ ruleId: 'off-hours', entity: { kind: 'user', id: uid(1) } }],
    priority: 5,
    evidence: { events: 4, userMedian: 0, z: 4, weeks: 4, hourOfWeek: 122, timeZone: 'Asia/Shanghai' },
  },
  {
    name: 'off-hours: three events are within the noise',
    history: true,
    build: (t) => {
      const saturday2am = T0 + 33 * DAY + 2 * HOUR;
      t.signIn(saturday2am + MIN, uid(1));
      each(range(1, 2), (i) => t.read(saturday2am + i * 5 * MIN, uid(1), [sid(i)]));
    },
    raised: [],
  },
  {
    name: 'first-seen address: a colleague signs in from a new address',
    history: true,
    build: (t) => {
      t.signIn(ATTACK, uid(2), ip(90), ua(2));
      t.read(ATTACK + MIN, uid(2), [sid(1)], ip(90), ua(2));
    },
    raised: [{ ruleId: 'first-seen-address', entity: { kind: 'user', id: uid(2) } }],
    priority: 3,
    evidence: { address: ip(90), historyDays: 30 },
  },
  {
    name: 'first-seen device: a colleague signs in with a new browser',
    history: true,
    build: (t) => t.signIn(ATTACK, uid(3), OFFICE, ua(99)),
    raised: [{ ruleId: 'first-seen-device', entity: { kind: 'user', id: uid(3) } }],
    priority: 2,
    evidence: { device: ua(99), historyDays: 30 },
  },
  { name: 'first seen: a newcomer is still learning', history: false, build: (t) => t.signIn(ATTACK, uid(3), ip(91), ua(99)), raised: [] },
  {
    name: 'token from a new place: an integration token moves after its learning day',
    history: false,
    build: (t) => {
      const read = (at: number, address: string) =>
        t.add(at, 'personal_data.read', { actor_kind: 'token', actor_id: `${uid(1)}/${tokenId(7)}`, subject_ids: [sid(1)], ip: address, user_agent: ua(70) });
      read(ATTACK, ip(70));
      read(ATTACK + DAY, ip(70));
      read(ATTACK + 2 * DAY, ip(71));
    },
    raised: [{ ruleId: 'token-new-place', entity: { kind: 'token', id: tokenId(7) } }],
    priority: 5,
    evidence: { userId: uid(1), address: ip(71), historyDays: 30 },
  },
  {
    name: 'sensitive access: one read of a VIP',
    history: false,
    build: (t) => t.flag(vipFlagged, 'vip').read(ATTACK, uid(1), [sid(1), vipFlagged]),
    raised: [{ ruleId: 'sensitive-access', entity: { kind: 'user', id: uid(1) } }],
    priority: 6,
    evidence: { vipSubjects: 1, minorSubjects: 0, vipThreshold: 1, minorThreshold: 5, action: 'personal_data.read' },
  },
  {
    name: 'sensitive access: five minors in an hour',
    history: false,
    build: (t) => each(minors, (m, i) => t.flag(m, 'minor').read(ATTACK + i * 5 * MIN, uid(1), [m])),
    raised: [{ ruleId: 'sensitive-access', entity: { kind: 'user', id: uid(1) } }],
    evidence: { vipSubjects: 0, minorSubjects: 5, vipThreshold: 1, minorThreshold: 5, action: 'personal_data.read' },
  },
  {
    name: 'sensitive access: four minors',
    history: false,
    build: (t) => each(minors.slice(0, 4), (m, i) => t.flag(m, 'minor').read(ATTACK + i * 5 * MIN, uid(1), [m])),
    raised: [],
  },
  {
    name: 'privilege change, then 50 subscribers read within the day',
    history: false,
    build: (t) => {
      t.add(ATTACK - HOUR, 'user.roles.changed', {
        actor_id: ADMIN,
        resource: 'users',
        resource_id: uid(4),
        detail: { before: ['sales'], after: ['sales', 'service_lead'] },
      });
      each(range(0, 5), (i) => t.read(ATTACK + HOUR + i * 2 * MIN, uid(4), range(i * 10, 10).map(sid)));
    },
    raised: [{ ruleId: 'privilege-then-bulk-read', entity: { kind: 'user', id: uid(4) } }],
    priority: 8,
    evidence: { subjects: 50, threshold: 50, changeSeq: 1, minutesSinceChange: 128 },
  },
  {
    name: 'privilege change that only removed a role, then 50 reads',
    history: false,
    build: (t) => {
      t.add(ATTACK - HOUR, 'user.roles.changed', {
        actor_id: ADMIN,
        resource: 'users',
        resource_id: uid(4),
        detail: { before: ['sales', 'service_lead'], after: ['sales'] },
      });
      each(range(0, 5), (i) => t.read(ATTACK + HOUR + i * 2 * MIN, uid(4), range(i * 10, 10).map(sid)));
    },
    raised: [],
  },
  {
    name: 'role change of a role the user was seen to get, then 50 reads',
    history: false,
    build: (t) => {
      t.add(ATTACK - 3 * DAY, 'user.roles.changed', {
        actor_id: ADMIN,
        resource: 'users',
        resource_id: uid(4),
        detail: { before: ['sales'], after: ['service_lead'] },
      });
      t.add(ATTACK - HOUR, 'role.changed', {
        actor_id: ADMIN,
        resource: 'roles',
        resource_id: 'service_lead',
        detail: { before: { permissions: ['contacts.read'], scope: 'team' }, after: { permissions: ['contacts.read', 'contacts.export'], scope: 'team' } },
      });
      each(range(0, 5), (i) => t.read(ATTACK + i * 2 * MIN, uid(4), range(i * 10, 10).map(sid)));
    },
    raised: [{ ruleId: 'privilege-then-bulk-read', entity: { kind: 'user', id: uid(4) } }],
    evidence: { subjects: 50, threshold: 50, changeSeq: 2, minutesSinceChange: 68 },
  },
];

const history = normalWeeks(new Trail()).rows();

/** The scenario's rows after (or without) five normal weeks, numbered on from them. */
function scenarioRows(scenario: Scenario): { trail: Trail; rows: Row[] } {
  const trail = new Trail();
  scenario.build(trail);
  const own = trail.rows();
  if (!scenario.history) return { trail, rows: own };
  const offset = history.length;
  return { trail, rows: [...history, ...own.map((row) => ({ ...row, seq: (row.seq as number) + offset }))] };
}

describe('detection rules', () => {
  it.each(scenarios)('$name', (scenario) => {
    const { trail, rows } = scenarioRows(scenario);
    const alerts = feed(trail, createRuleEngine(defaultRuleConfig()), rows);
    expect(raisedOf(alerts)).toEqual(scenario.raised);
    const first = alerts.find((a) => a.notify);
    if (scenario.evidence) expect(first?.evidence).toEqual(scenario.evidence);
    if (scenario.priority !== undefined) expect(first?.priority).toBe(scenario.priority);
  });

  it('stays quiet through five normal weeks of five colleagues (typos, reads, searches, exports)', () => {
    const trail = normalWeeks(new Trail());
    const rows = trail.rows();
    expect(rows.length).toBeGreaterThan(4000);
    expect(rows.filter((r) => r.action === 'auth.login.failed').length).toBeGreaterThan(10);
    const engine = createRuleEngine(defaultRuleConfig());
    expect(feed(trail, engine, rows)).toEqual([]);
    expect(engine.state().stats).toEqual({ scored: rows.length, repeated: 0, invalid: 0, ruleErrors: 0 });
  });

  it('covers every rule of the catalogue with a firing scenario', () => {
    const fired = new Set(scenarios.flatMap((s) => s.raised.map((r) => r.ruleId)));
    expect([...fired].sort()).toEqual([...RULE_IDS].sort());
  });
});

describe('suppression', () => {
  it('raises one alert per account per 15 min and counts the rest on it', () => {
    const trail = new Trail();
    each(range(0, 30), (i) => trail.failed(ATTACK + i * 10 * SEC, VICTIM));
    each(range(0, 10), (i) => trail.failed(ATTACK + 25 * MIN + i * 10 * SEC, VICTIM));
    const engine = createRuleEngine(defaultRuleConfig());
    const alerts = feed(trail, engine);
    expect(alerts.filter((a) => a.notify).map((a) => a.id)).toEqual(['brute-force-account@10', 'brute-force-account@40']);
    const first = alerts.filter((a) => a.id === 'brute-force-account@10');
    expect(first).toHaveLength(21);
    expect(first.at(-1)).toMatchObject({ notify: false, suppressedCount: 20, firstSeq: 10, lastSeq: 30, priority: 6, evidence: { failures: 30 } });
    expect(first.at(-1)?.lastAt).toBe(new Date(ATTACK + 290 * SEC).toISOString());
    expect(engine.openAlerts().map((a) => [a.id, a.suppressedCount])).toEqual([['brute-force-account@40', 0]]);
  });

  it('honours a shorter configured suppression window', () => {
    const trail = new Trail();
    each(range(0, 30), (i) => trail.failed(ATTACK + i * 10 * SEC, VICTIM));
    const config = validateRuleConfig({ suppressionMinutes: 1 });
    if (!config.ok) throw new Error(config.errors.join());
    const alerts = feed(trail, createRuleEngine(config.config));
    expect(alerts.filter((a) => a.notify).map((a) => a.firstSeq)).toEqual([10, 16, 22, 28]);
  });
});

describe('exceptions', () => {
  const named = (prefix: string) => scenarios.find((s) => s.name.startsWith(prefix)) as Scenario;
  it.each([
    ['spraying-address', ATTACKER, named('spraying: one failure')],
    ['mass-view', uid(1), named('mass viewing: 200')],
    ['brute-force-account', VICTIM, named('brute force: 10 wrong')],
  ])('%s ignores %s', (ruleId, excluded, scenario) => {
    const { trail, rows } = scenarioRows(scenario);
    expect(feed(trail, createRuleEngine(defaultRuleConfig()), rows).length).toBeGreaterThan(0);
    expect(feed(trail, createRuleEngine(configWith({ [ruleId]: { exceptions: [excluded] } })), rows)).toEqual([]);
    expect(feed(trail, createRuleEngine(configWith({ [ruleId]: { enabled: false } })), rows)).toEqual([]);
  });
});

describe('resuming', () => {
  const trail = normalWeeks(new Trail());
  each(range(0, 30), (i) => trail.failed(ATTACK + i * 10 * SEC, VICTIM));
  each(range(0, 20), (i) => trail.read(ATTACK + i * 2 * MIN, uid(1), range(i * 10, 10).map(sid)));
  trail.signIn(ATTACK + HOUR, uid(2), ip(90), ua(2));
  each(range(0, 4), (i) => trail.read(T0 + 33 * DAY + 2 * HOUR + i * MIN, uid(3), [sid(i)], OFFICE, ua(3)));
  const rows = trail.rows();
  const unbroken = feed(trail, createRuleEngine(defaultRuleConfig()), rows);

  it('gives the alerts of an unbroken run', () => {
    expect(raisedOf(unbroken)).toEqual([
      { ruleId: 'off-hours', entity: { kind: 'user', id: uid(3) } },
      { ruleId: 'brute-force-account', entity: { kind: 'account', id: VICTIM } },
      { ruleId: 'mass-view', entity: { kind: 'user', id: uid(1) } },
      { ruleId: 'first-seen-address', entity: { kind: 'user', id: uid(2) } },
    ]);
  });

  it.each([1000, rows.length - 40, rows.length - 5])('from a state saved after %i events, scoring nothing twice', (cut) => {
    const before = createRuleEngine(defaultRuleConfig());
    const first = feed(trail, before, rows.slice(0, cut));
    const saved = JSON.parse(JSON.stringify(before.state()));
    const resumed = createRuleEngine(defaultRuleConfig(), saved);
    expect(resumed.lastSeq).toBe(cut);
    const second = feed(trail, resumed, rows);
    expect([...first, ...second]).toEqual(unbroken);
    expect(resumed.state().stats).toMatchObject({ scored: rows.length, repeated: cut });
    expect(feed(trail, resumed, rows)).toEqual([]);
  });

  it('refuses a malformed state rather than judging from it', () => {
    expect(() => createRuleEngine(defaultRuleConfig(), { version: 2 })).toThrow('not a monitor rule engine state (version 1)');
    const state = JSON.parse(JSON.stringify(createRuleEngine(defaultRuleConfig()).state()));
    state.rules['mass-view'] = { subjects: { version: 1, windowMs: 3_600_000, cap: 200, keys: [['u', 'not pairs']] } };
    expect(() => createRuleEngine(defaultRuleConfig(), state)).toThrow('monitor rule state of mass-view is unreadable: monitor window state: malformed key');
  });
});

describe('malformed and unknown events', () => {
  const at = '2024-03-04T02:00:00.000Z';
  it.each([
    [null, 'not a JSON object'],
    [42, 'not a JSON object'],
    [[], 'not a JSON object'],
    ['{"seq":', 'not JSON'],
    ['', 'not JSON'],
    [{}, 'seq missing or not a non-negative integer'],
    [{ seq: -1, at }, 'seq missing or not a non-negative integer'],
    [{ seq: 1.5, at }, 'seq missing or not a non-negative integer'],
    [{ seq: 1 }, 'at missing or not an ISO time'],
    [{ seq: 1, at: 'soon' }, 'at missing or not an ISO time'],
    [{ seq: 1, at }, 'action missing or malformed'],
    [{ seq: 1, at, action: 'Robert"); DROP' }, 'action missing or malformed'],
    [{ seq: 1, at, action: 'personal_data.read' }, 'outcome missing or malformed'],
  ])('skips %j: %s', (line, reason) => {
    expect(fromAuditJson(line)).toEqual({ skipped: reason });
  });

  it('skips an object that throws when read', () => {
    const throwing = Object.defineProperty({}, 'seq', {
      get() {
        throw new Error('boom');
      },
    });
    expect(fromAuditJson(throwing)).toEqual({ skipped: 'unreadable event' });
  });

  it('normalizes an unknown action, and a line as exported by `castellan audit export`', () => {
    const unknown = fromAuditJson(JSON.stringify({ seq: '7', at, action: 'future.thing', outcome: 'success', actor_kind: 'user', actor_id: uid(1) }));
    expect(unknown).toMatchObject({ seq: 7, action: 'future.thing', knownAction: false, actorId: uid(1), subjectIds: [], rowCount: null });
    const engine = createRuleEngine(defaultRuleConfig());
    expect(engine.score(unknown as MonitorEvent)).toEqual([]);
    expect(engine.lastSeq).toBe(7);
    const stored = {
      seq: 12,
      id: newId(),
      at,
      actor_kind: 'token',
      actor_id: `${uid(1)}/${tokenId(3)}`,
      action: 'personal_data.search',
      outcome: 'success',
      resource: 'contacts',
      resource_id: null,
      subject_ids: null,
      fields: JSON.stringify(['phone']),
      request_id: null,
      ip: ip(4),
      user_agent: ua(4),
      detail: JSON.stringify({ searchedBy: 'phone', count: 0, searchedMasked: true }),
      prev_hash: '0'.repeat(64),
      hash: '1'.repeat(64),
      seal: null,
      sealed_enc: null,
    };
    expect(fromAuditJson(formatJsonLine(stored as never))).toEqual({
      seq: 12,
      at: Date.parse(at),
      action: 'personal_data.search',
      knownAction: true,
      outcome: 'success',
      actorKind: 'token',
      actorId: uid(1),
      tokenId: tokenId(3),
      accountKey: uid(1),
      address: ip(4),
      device: ua(4),
      subjectIds: [],
      fields: ['phone'],
      rowCount: 0,
      searchMasked: true,
      failureReason: null,
      privilege: null,
    });
  });

  it('never stops on an unusable event handed to the engine', () => {
    const engine = createRuleEngine(defaultRuleConfig());
    for (const bad of [null, {}, { seq: 1, at: Number.NaN }, { seq: 2, at: 0, action: 'personal_data.read', outcome: 'success' }]) {
      expect(engine.score(bad as unknown as MonitorEvent)).toEqual([]);
    }
    expect(engine.state().stats).toEqual({ scored: 0, repeated: 0, invalid: 4, ruleErrors: 0 });
  });
});

describe('privacy of state and alerts', () => {
  it('keeps no value of the events but ids, pseudonyms, actions and counts', () => {
    const trail = new Trail();
    const secrets = ['zhang.san@example.com', '13800138000', '203.0.113.7', 'Mozilla/5.0', '张三'];
    each(range(0, 12), (i) =>
      trail.add(ATTACK + i * 10 * SEC, 'auth.login.failed', {
        actor_id: VICTIM,
        outcome: 'failure',
        resource: 'users',
        resource_id: VICTIM,
        ip: '203.0.113.7',
        user_agent: 'Mozilla/5.0 (X11; Linux)',
        detail: { reason: 'zhang.san@example.com', email: 'zhang.san@example.com', phone: '13800138000', name: '张三' },
      }),
    );
    each(range(0, 12), (i) =>
      trail.add(ATTACK + i * 10 * SEC, 'auth.login.throttled', { actor_kind: 'anonymous', outcome: 'refused', detail: { account: 'zhang.san@example.com' } }),
    );
    each(range(0, 20), (i) =>
      trail.add(ATTACK + i * MIN, 'personal_data.read', {
        actor_id: uid(1),
        subject_ids: [...range(i * 10, 10).map(sid), 'zhang.san@example.com', '13800138000'],
        fields: ['phone', 'zhang.san@example.com'],
        detail: { count: 10, phone: '13800138000', note: '张三' },
      }),
    );
    const engine = createRuleEngine(defaultRuleConfig());
    const alerts = feed(trail, engine);
    expect(raisedOf(alerts)).toEqual([
      { ruleId: 'brute-force-account', entity: { kind: 'account', id: VICTIM } },
      { ruleId: 'mass-view', entity: { kind: 'user', id: uid(1) } },
    ]);
    const text = JSON.stringify({ state: engine.state(), alerts });
    for (const secret of secrets) expect(text).not.toContain(secret);
    const failed = fromAuditJson(trail.rows()[0]);
    expect(failed).toMatchObject({ address: null, device: null, failureReason: 'other', accountKey: VICTIM });
  });
});

describe('rule configuration', () => {
  it('has every default inside its own bounds, and titles the delivery module accepts', () => {
    const config = defaultRuleConfig();
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.suppressionMinutes).toBe(15);
    expect(config.rules['brute-force-account'].params).toEqual({ failures: 10, windowMinutes: 10 });
    expect(config.rules['mass-view'].params).toEqual({ subjects: 200, windowMinutes: 60 });
    expect(validateRuleConfig({})).toEqual({ ok: true, config });
    for (const id of RULE_IDS) {
      const { title, basePriority } = RULE_CATALOGUE[id];
      const message = createAlertMessage({
        alertId: newId(),
        ruleId: id,
        ruleTitle: title,
        priority: basePriority,
        status: 'open',
        raisedAt: new Date(ATTACK),
        counts: { events: 1, dataSubjects: 0, users: 1 },
        webAppUrl: 'https://crm.example.cn',
      });
      expect(message.ruleId).toBe(id);
    }
  });

  it('reports every error by its path and never throws', () => {
    const result = validateRuleConfig({
      timeZone: 'Mars/Olympus',
      suppressionMinutes: 0,
      colour: 'red',
      rules: {
        'mass-view': { subjects: 0, windowMinutes: 2.5, colour: 1 },
        'stuffing-success': { accounts: 20 },
        'spraying-address': { minFailureShare: 1.5, exceptions: 'everyone', enabled: 'yes' },
        nope: {},
      },
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        'timeZone must be an IANA time zone name such as Asia/Shanghai',
        'suppressionMinutes must be an integer from 1 to 10080',
        'colour is not a setting (settings: timeZone, suppressionMinutes, rules)',
        'rules.mass-view.subjects must be an integer from 1 to 100000',
        'rules.mass-view.windowMinutes must be an integer from 1 to 10080',
        'rules.mass-view.colour is not a setting of this rule (settings: enabled, exceptions, subjects, windowMinutes)',
        'rules.spraying-address.minFailureShare must be a number from 0 to 1',
        'rules.spraying-address.exceptions must be a list of at most 10000 ids or pseudonyms (1–200 characters each)',
        'rules.spraying-address.enabled must be true or false',
        `rules.nope is not a rule (rules: ${RULE_IDS.join(', ')})`,
        'rules.stuffing-success.accounts must not exceed rules.stuffing-success.failures',
      ],
    });
    for (const input of [null, 'x', [], 7, { rules: null }, { rules: { 'mass-view': null } }]) {
      expect(validateRuleConfig(input).ok).toBe(false);
    }
  });
});

describe('windows', () => {
  it('counts per key in a sliding window of 12 buckets and forgets idle keys', () => {
    const w = new WindowCounter(10 * MIN);
    expect(range(0, 10).map((i) => w.add('k', i * MIN))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(w.count('k', 10 * MIN)).toBe(10);
    expect(w.count('k', 11 * MIN)).toBe(9);
    expect(w.add('k', 30 * MIN, 5)).toBe(5);
    w.add('idle', 0);
    w.prune(30 * MIN);
    expect(w.size).toBe(1);
    expect(WindowCounter.fromJSON(JSON.parse(JSON.stringify(w))).count('k', 30 * MIN)).toBe(5);
  });

  it('keeps at most `cap` distinct values per key, the most recent', () => {
    const d = new DistinctWindow(HOUR, 3);
    expect(d.add('u', ['a', 'b'], 0)).toBe(2);
    expect(d.add('u', ['a', 'c', 'd'], MIN)).toBe(3);
    expect(d.toJSON().keys).toEqual([
      [
        'u',
        [
          ['a', MIN],
          ['c', MIN],
          ['d', MIN],
        ],
      ],
    ]);
    expect(d.add('u', ['e'], HOUR + 2 * MIN)).toBe(1);
  });

  it('tells learning, known and new values apart (new_terms)', () => {
    const f = new FirstSeenSet(30 * DAY, 14 * DAY, 2);
    expect(f.observe('u', 'ip:a', 0)).toBe('learning');
    expect(f.observe('u', 'ip:b', 13 * DAY)).toBe('learning');
    expect(f.observe('u', 'ip:a', 14 * DAY)).toBe('known');
    expect(f.observe('u', 'ip:c', 15 * DAY)).toBe('new');
    expect(f.observe('u', 'ip:b', 16 * DAY)).toBe('new'); // forgotten: at most 2 values kept
    expect(f.observe('u', 'ip:c', 50 * DAY)).toBe('new'); // not seen within 30 days
    const restored = FirstSeenSet.fromJSON(JSON.parse(JSON.stringify(f)));
    expect(restored.observe('u', 'ip:c', 51 * DAY)).toBe('known');
  });
});

describe('ruleSettingsFile', () => {
  it('writes a configuration as a settings file that validates back to the same configuration', () => {
    const changed = validateRuleConfig({ timeZone: 'Europe/London', rules: { 'mass-view': { subjects: 500, exceptions: ['ip:0123456789abcdef'] } } });
    if (!changed.ok) throw new Error(changed.errors.join('; '));
    const file = ruleSettingsFile(changed.config);
    expect((file.rules as Record<string, unknown>)['mass-view']).toMatchObject({ enabled: true, subjects: 500, exceptions: ['ip:0123456789abcdef'] });
    expect(validateRuleConfig(JSON.parse(JSON.stringify(file)))).toEqual({ ok: true, config: changed.config });
  });
});
