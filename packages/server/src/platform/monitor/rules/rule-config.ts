/**
 * The catalogue of detection rules (issue 12) and their configuration: each rule's slug, title in
 * English and Chinese, base priority, and the thresholds and windows it reads, with defaults chosen
 * for the CRM of a broadcaster (a few hundred staff behind one or two office addresses, sign-ins
 * 9:00–18:00 plus shift and live-event work, subscriber service that reads many records a day).
 * Slugs use hyphens: the delivery module refuses `_` in a rule id (delivery/alert-message.ts).
 */

/** What an alert is about, so suppression and exceptions know whom it concerns. */
export type EntityKind = 'user' | 'account' | 'address' | 'token';

interface ParamSpec {
  default: number;
  min: number;
  max: number;
  /** False for a share (0..1); every other parameter is a whole number. */
  integer: boolean;
  /** Why the default is what it is. */
  why: string;
}

const count = (value: number, why: string, max = 100_000): ParamSpec => ({ default: value, min: 1, max, integer: true, why });
const minutes = (value: number, why: string): ParamSpec => ({ default: value, min: 1, max: 7 * 24 * 60, integer: true, why });
const days = (value: number, why: string, min = 1): ParamSpec => ({ default: value, min, max: 365, integer: true, why });
const share = (value: number, why: string): ParamSpec => ({ default: value, min: 0, max: 1, integer: false, why });

const FAILURE_SHARE =
  'failures / (failures + successes) from the address in the window: an office NAT where 500 staff sign in, 5 % mistyping, stays far below; a script is near 1';

/** Every rule, its entity, base priority and parameters. The order is the order rules are evaluated in. */
export const RULE_CATALOGUE = {
  'brute-force-account': {
    title: { en: 'Brute force on an account', zhCN: '针对账户的暴力破解' },
    entity: 'account',
    basePriority: 5,
    params: {
      failures: count(10, 'the sign-in throttle allows 5 free failures then backs off; a person who forgot a password resets it after 3–5 tries'),
      windowMinutes: minutes(10, 'long enough to outlast the throttle back-off steps (1 s … 64 s), short enough to stay specific'),
    },
  },
  'brute-force-address': {
    title: { en: 'Brute force from an address', zhCN: '来自同一地址的暴力破解' },
    entity: 'address',
    basePriority: 5,
    params: {
      failures: count(50, 'counts failures on unknown accounts too (they carry no account key); 50 in 10 min is more than a whole office mistypes'),
      windowMinutes: minutes(10, 'as for one account'),
      minFailureShare: share(0.5, FAILURE_SHARE),
    },
  },
  'spraying-address': {
    title: { en: 'Password spraying from an address', zhCN: '来自同一地址的密码喷洒' },
    entity: 'address',
    basePriority: 6,
    params: {
      accounts: count(20, 'distinct existing accounts failing from one address; Sigma counts distinct failed users per source'),
      windowMinutes: minutes(10, 'spraying tries one or two passwords on many accounts quickly to dodge per-account lockout'),
      minFailureShare: share(0.5, FAILURE_SHARE),
    },
  },
  'stuffing-success': {
    title: { en: 'Credential stuffing followed by a success', zhCN: '撞库后登录成功' },
    entity: 'user',
    basePriority: 8,
    params: {
      failures: count(10, 'failed sign-ins from the address before the success'),
      accounts: count(5, 'on at least this many distinct existing accounts: one person mistyping twice is not stuffing'),
      windowMinutes: minutes(60, "Sigma's example: failures then a success within 1 h"),
      minFailureShare: share(0.5, FAILURE_SHARE),
    },
  },
  'mass-view': {
    title: { en: 'Mass viewing of personal data', zhCN: '批量查看个人信息' },
    entity: 'user',
    basePriority: 6,
    params: {
      subjects: count(200, 'distinct data subjects read, found or revealed; a busy service agent handles 10–20 callers an hour, a list page shows 50'),
      windowMinutes: minutes(60, 'one hour, the unit of the baselines'),
    },
  },
  'mass-export': {
    title: { en: 'Mass export', zhCN: '批量导出' },
    entity: 'user',
    basePriority: 7,
    params: {
      rows: count(1000, 'data subjects of personal_data.export plus rows of record.exported; a campaign or sales list is a few hundred', 10_000_000),
      windowMinutes: minutes(24 * 60, 'a day: an exfiltration split into small exports still adds up'),
    },
  },
  'reveal-burst': {
    title: { en: 'Burst of reveals', zhCN: '集中揭示掩码数据' },
    entity: 'user',
    basePriority: 6,
    params: {
      reveals: count(10, 'each reveal needs a fresh second factor and a reason; a few a day are normal, ten in a quarter hour are not'),
      windowMinutes: minutes(15, 'a quarter hour'),
    },
  },
  'slow-enumeration': {
    title: { en: 'Slow enumeration through searches', zhCN: '通过检索缓慢枚举' },
    entity: 'user',
    basePriority: 5,
    params: {
      misses: count(
        50,
        'blind-index searches with no result (or refused by the quota); the masked-search quota allows 300 a day, an enumerator stays below it',
      ),
      windowMinutes: minutes(24 * 60, 'a day, to catch a guesser who keeps under the per-minute quota'),
    },
  },
  'off-hours': {
    title: { en: "Off-hours use against the user's own pattern", zhCN: '偏离本人习惯的非工作时间使用' },
    entity: 'user',
    basePriority: 5,
    params: {
      minWeeks: count(4, 'completed weeks of the hour-of-week slot before the user is judged by it: a month shows the shift pattern', 52),
      weeksKept: count(8, 'the baseline window (hour-of-week counters)', 52),
      threshold: {
        default: 3.5,
        min: 1,
        max: 100,
        integer: false,
        why: 'Iglewicz and Hoaglin: a robust z of 3.5; with a median of 0 that means at least 4 events in the hour',
      },
    },
  },
  'first-seen-address': {
    title: { en: 'First-seen address for the user', zhCN: '用户首次使用的地址' },
    entity: 'user',
    basePriority: 3,
    params: {
      historyDays: days(30, "Elastic new_terms' usual history; shorter windows make many addresses look new"),
      learningDays: days(14, 'a new user alerts only after two weeks of history (the cold-start target)', 0),
      maxValues: count(32, 'addresses remembered per user (least recently seen forgotten first)', 1000),
    },
  },
  'first-seen-device': {
    title: { en: 'First-seen device for the user', zhCN: '用户首次使用的设备' },
    entity: 'user',
    basePriority: 2,
    params: {
      historyDays: days(30, 'as for addresses'),
      learningDays: days(14, 'as for addresses', 0),
      maxValues: count(16, 'browsers remembered per user', 1000),
    },
  },
  'token-new-place': {
    title: { en: 'API token used from a new address', zhCN: 'API 令牌在新地址使用' },
    entity: 'token',
    basePriority: 5,
    params: {
      historyDays: days(30, 'as for users'),
      learningDays: days(1, 'an integration runs from a fixed host: its first day of use is its home', 0),
      maxValues: count(8, 'addresses remembered per token', 1000),
    },
  },
  'sensitive-access': {
    title: { en: "Access to minors' or VIP records", zhCN: '访问未成年人或重要人物记录' },
    entity: 'user',
    basePriority: 6,
    params: {
      vipSubjects: count(1, 'a VIP (presenter, artist, executive) is flagged so that every access is looked at'),
      minorSubjects: count(5, 'a guardian calling about a child is routine; five different minors in an hour is not'),
      windowMinutes: minutes(60, 'one hour'),
    },
  },
  'privilege-then-bulk-read': {
    title: { en: 'Privilege change followed by bulk reads', zhCN: '权限变更后批量读取' },
    entity: 'user',
    basePriority: 8,
    params: {
      followMinutes: minutes(24 * 60, 'reads within a day of gaining rights'),
      subjects: count(50, 'a quarter of the mass-view threshold: a freshly raised account has no reason to sweep'),
      windowMinutes: minutes(60, 'as for mass viewing'),
    },
  },
} as const satisfies Record<string, { title: { en: string; zhCN: string }; entity: EntityKind; basePriority: number; params: Record<string, ParamSpec> }>;

/** A rule's slug, e.g. `brute-force-account`. */
export type RuleId = keyof typeof RULE_CATALOGUE;
/** Every rule id, in evaluation order. */
export const RULE_IDS = Object.keys(RULE_CATALOGUE) as RuleId[];
/** A rule's thresholds and windows, by name. */
export type RuleParams<R extends RuleId> = { [K in keyof (typeof RULE_CATALOGUE)[R]['params']]: number };

/** One rule's settings: on or off, its parameters, its exceptions. */
export interface RuleSettings<R extends RuleId = RuleId> {
  enabled: boolean;
  params: RuleParams<R>;
  /** User ids, account keys, address pseudonyms or token ids this rule ignores (a scanner, the office NAT for spraying, a batch account). */
  exceptions: readonly string[];
}

/** A complete, validated configuration. */
export interface RuleConfig {
  /** IANA zone of the staff's wall clock (off-hours). */
  timeZone: string;
  /** One notification per entity per rule within this many minutes; later findings are counted on the open alert. */
  suppressionMinutes: number;
  rules: { [R in RuleId]: RuleSettings<R> };
}

/** Beijing time: the wall clock of the staff of a Chinese broadcaster. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
/** One notification per entity per rule per quarter hour (research §3.5, target 6). */
export const DEFAULT_SUPPRESSION_MINUTES = 15;
const MAX_EXCEPTIONS = 10_000;

/** The configuration with every default. */
export function defaultRuleConfig(): RuleConfig {
  const rules = Object.fromEntries(
    RULE_IDS.map((id) => [
      id,
      { enabled: true, exceptions: [], params: Object.fromEntries(Object.entries(RULE_CATALOGUE[id].params).map(([name, spec]) => [name, spec.default])) },
    ]),
  );
  return { timeZone: DEFAULT_TIME_ZONE, suppressionMinutes: DEFAULT_SUPPRESSION_MINUTES, rules: rules as unknown as RuleConfig['rules'] };
}

/** A valid configuration, or every error found in it. */
export type RuleConfigResult = { ok: true; config: RuleConfig } | { ok: false; errors: string[] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function validTimeZone(zone: unknown): boolean {
  if (typeof zone !== 'string' || zone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkParam(path: string, spec: ParamSpec, value: unknown, errors: string[]): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max && (!spec.integer || Number.isInteger(value));
  if (!ok) errors.push(`${path} must be ${spec.integer ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max}`);
  return ok ? (value as number) : spec.default;
}

function checkRule(id: RuleId, input: unknown, settings: RuleSettings, errors: string[]): void {
  const path = `rules.${id}`;
  if (!isObject(input)) {
    errors.push(`${path} must be an object`);
    return;
  }
  const specs: Record<string, ParamSpec> = RULE_CATALOGUE[id].params;
  const params = settings.params as Record<string, number>;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'enabled') {
      if (typeof value === 'boolean') settings.enabled = value;
      else errors.push(`${path}.enabled must be true or false`);
    } else if (key === 'exceptions') {
      const valid = Array.isArray(value) && value.length <= MAX_EXCEPTIONS && value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 200);
      if (valid) settings.exceptions = [...new Set(value as string[])];
      else errors.push(`${path}.exceptions must be a list of at most ${MAX_EXCEPTIONS} ids or pseudonyms (1–200 characters each)`);
    } else if (key in specs) params[key] = checkParam(`${path}.${key}`, specs[key] as ParamSpec, value, errors);
    else errors.push(`${path}.${key} is not a setting of this rule (settings: enabled, exceptions, ${Object.keys(specs).join(', ')})`);
  }
}

/**
 * Checks a configuration (as parsed from JSON or YAML) and fills in every default: anything left out
 * keeps its default, anything wrong is reported by its path (`rules.mass-view.subjects must be …`),
 * all errors at once. Never throws, whatever it is given.
 */
export function validateRuleConfig(input: unknown = {}): RuleConfigResult {
  const config = defaultRuleConfig();
  const errors: string[] = [];
  if (!isObject(input)) return { ok: false, errors: ['the monitor rule configuration must be an object'] };
  for (const [key, value] of Object.entries(input)) {
    if (key === 'timeZone') {
      if (validTimeZone(value)) config.timeZone = value as string;
      else errors.push('timeZone must be an IANA time zone name such as Asia/Shanghai');
    } else if (key === 'suppressionMinutes') {
      config.suppressionMinutes = checkParam('suppressionMinutes', minutes(DEFAULT_SUPPRESSION_MINUTES, ''), value, errors);
    } else if (key === 'rules') {
      if (!isObject(value)) errors.push('rules must be an object keyed by rule id');
      else
        for (const [id, rule] of Object.entries(value)) {
          if (id in RULE_CATALOGUE) checkRule(id as RuleId, rule, config.rules[id as RuleId] as RuleSettings, errors);
          else errors.push(`rules.${id} is not a rule (rules: ${RULE_IDS.join(', ')})`);
        }
    } else errors.push(`${key} is not a setting (settings: timeZone, suppressionMinutes, rules)`);
  }
  const stuffing = config.rules['stuffing-success'].params;
  if (stuffing.accounts > stuffing.failures) errors.push('rules.stuffing-success.accounts must not exceed rules.stuffing-success.failures');
  const offHours = config.rules['off-hours'].params;
  if (offHours.minWeeks > offHours.weeksKept) errors.push('rules.off-hours.minWeeks must not exceed rules.off-hours.weeksKept');
  return errors.length ? { ok: false, errors } : { ok: true, config };
}

/**
 * A configuration in the form a settings file takes (each rule's parameters beside `enabled` and
 * `exceptions`), so what `castellan monitor rules` prints is a file validateRuleConfig accepts as it is.
 */
export function ruleSettingsFile(config: RuleConfig): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  for (const id of RULE_IDS) {
    const { enabled, exceptions, params } = config.rules[id];
    rules[id] = { enabled, exceptions: [...exceptions], ...params };
  }
  return { timeZone: config.timeZone, suppressionMinutes: config.suppressionMinutes, rules };
}
