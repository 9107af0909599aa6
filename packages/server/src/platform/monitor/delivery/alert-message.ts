import { isId } from '../../data/ids.js';

/**
 * What may leave the server about a monitoring alert — to a signed webhook or a group robot in
 * 企业微信 / 钉钉 / 飞书. A chat group is outside Castellan's door: nothing in it is access-checked,
 * masked or audited per reader. So an alert message carries no personal value by construction: only
 * record ids (UUIDv7, meaningless outside Castellan), a rule slug and the rule's catalogue title,
 * numbers, a status, a time and a link to the alert in the web app. Names, e-mail addresses, phones,
 * IP addresses and data subject ids are not fields of it; `createAlertMessage` copies only the fields
 * below, refuses a value of the wrong shape and never echoes it in its error.
 */
declare const checked: unique symbol;

/** The states an alert can be reported in. */
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'suppressed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The languages a summary is written in. */
export type AlertLocale = 'en' | 'zh-CN';

/** Plain text (text messages) or the Markdown subset every robot renders (headings, bold, links). */
export type SummaryFormat = 'text' | 'markdown';

/** How many of each an alert is about: counts, never the things counted. */
export interface AlertCounts {
  events: number;
  dataSubjects: number;
  users: number;
}

/** A checked alert message. Only `createAlertMessage` makes one: an object literal lacks the brand. */
export interface AlertMessage {
  readonly alertId: string;
  readonly ruleId: string;
  readonly ruleTitle: { readonly en: string; readonly zhCN: string };
  /** 0 (informational) to 10 (critical). */
  readonly priority: number;
  readonly status: AlertStatus;
  /** ISO 8601 UTC, to the second. */
  readonly raisedAt: string;
  readonly counts: Readonly<AlertCounts>;
  /** Staff involved, as opaque record ids only. */
  readonly userRefs: readonly string[];
  /** The alert in the web app: base URL + `/monitor/alerts/<alertId>`, nothing else. */
  readonly link: string;
  readonly [checked]: true;
}

/** What the monitor hands over; every field is checked and nothing else is copied. */
export interface AlertMessageInput {
  alertId: string;
  ruleId: string;
  ruleTitle: { en: string; zhCN: string };
  priority: number;
  status: AlertStatus;
  raisedAt: Date;
  counts: AlertCounts;
  userRefs?: readonly string[];
  /** The web app's public base URL (from config). */
  webAppUrl: string;
}

/** A value that may not be sent; the message names the field, never the value. */
export class AlertMessageRefused extends Error {}

/** One HTTP request to send: transport-free, so it can be checked before anything leaves. */
export interface DeliveryRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A request as a receiver saw it (Node's IncomingHttpHeaders fit `headers`). */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | readonly string[] | undefined>;
  body: string;
}

/** The local receiver's judgement of a robot request, as the platform documents it. */
export type RobotVerdict =
  | { accepted: true; msgType: string; content: string }
  | {
      accepted: false;
      reason:
        | 'wrong-method'
        | 'wrong-endpoint'
        | 'wrong-token'
        | 'not-json'
        | 'missing-signature'
        | 'malformed-timestamp'
        | 'stale-timestamp'
        | 'signature-mismatch'
        | 'bad-body'
        | 'content-too-large';
    };

const MAX_USER_REFS = 20;
const MAX_TITLE_CHARS = 120;
const RULE_ID = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;
// A catalogue title is prose. These shapes are what a personal value looks like (an e-mail address,
// a phone or ID number, an IPv4 or IPv6 address, a URL) or would be read as a mention or markup by a robot.
const TITLE_REFUSED = [/[@<>[\]*_`#|\\~\p{Cc}]/u, /\d{7,}/, /\d{1,3}(?:\.\d{1,3}){3}/, /[0-9a-f]*:[0-9a-f]*:/i, /:\/\//];

const refuse = (field: string, why: string): never => {
  throw new AlertMessageRefused(`alert message field ${field} ${why}`);
};

const checkTitle = (field: string, title: string): string => {
  if (typeof title !== 'string' || title.trim() === '' || [...title].length > MAX_TITLE_CHARS) refuse(field, `must be 1–${MAX_TITLE_CHARS} characters`);
  // Full-width digits and ＠ fold to ASCII under NFKC; separators between digits are ignored so
  // "138 0013 8000" counts as one run of eleven.
  const folded = title.normalize('NFKC');
  const digitsJoined = folded.replace(/(?<=\d)[\s.()+-]+(?=\d)/g, '');
  if (TITLE_REFUSED.some((shape) => shape.test(folded) || shape.test(digitsJoined))) refuse(field, 'looks like it holds a personal value or markup');
  return title.trim();
};

const checkCount = (field: string, n: number): number => (Number.isSafeInteger(n) && n >= 0 ? n : refuse(field, 'must be a non-negative integer'));

/** Parses a destination or web-app URL: https, or http only to a loopback host (the local test receivers). */
export function parseDeliveryUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AlertMessageRefused(`${what} is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new AlertMessageRefused(`${what} must use https`);
  if (url.username || url.password) throw new AlertMessageRefused(`${what} must not carry credentials before the host`);
  return url;
}

/** Checks an alert and returns the only shape that delivery code sends. */
export function createAlertMessage(input: AlertMessageInput): AlertMessage {
  if (!isId(input.alertId)) refuse('alertId', 'must be a record id');
  if (typeof input.ruleId !== 'string' || input.ruleId.length > 64 || !RULE_ID.test(input.ruleId)) refuse('ruleId', 'must be a catalogue slug');
  if (!Number.isInteger(input.priority) || input.priority < 0 || input.priority > 10) refuse('priority', 'must be an integer from 0 to 10');
  if (!ALERT_STATUSES.includes(input.status)) refuse('status', `must be one of ${ALERT_STATUSES.join(', ')}`);
  if (!(input.raisedAt instanceof Date) || Number.isNaN(input.raisedAt.getTime())) refuse('raisedAt', 'must be a valid date');
  const userRefs = [...(input.userRefs ?? [])];
  if (userRefs.length > MAX_USER_REFS) refuse('userRefs', `may hold at most ${MAX_USER_REFS} ids`);
  if (!userRefs.every((ref) => typeof ref === 'string' && isId(ref))) refuse('userRefs', 'must hold record ids only');
  const base = parseDeliveryUrl(input.webAppUrl, 'the web app URL');
  if (base.search || base.hash) refuse('webAppUrl', 'must not carry a query or fragment');
  const link = new URL(`monitor/alerts/${input.alertId}`, base.href.endsWith('/') ? base.href : `${base.href}/`).href;
  const message = {
    alertId: input.alertId,
    ruleId: input.ruleId,
    ruleTitle: Object.freeze({ en: checkTitle('ruleTitle.en', input.ruleTitle?.en), zhCN: checkTitle('ruleTitle.zhCN', input.ruleTitle?.zhCN) }),
    priority: input.priority,
    status: input.status,
    raisedAt: input.raisedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    counts: Object.freeze({
      events: checkCount('counts.events', input.counts?.events),
      dataSubjects: checkCount('counts.dataSubjects', input.counts?.dataSubjects),
      users: checkCount('counts.users', input.counts?.users),
    }),
    userRefs: Object.freeze(userRefs),
    link,
  };
  return Object.freeze(message) as unknown as AlertMessage;
}

/** The alert as JSON data for Castellan's own webhook payload: exactly the checked fields. */
export function alertMessageToJson(message: AlertMessage): Record<string, unknown> {
  const { alertId, ruleId, ruleTitle, priority, status, raisedAt, counts, userRefs, link } = message;
  return {
    alertId,
    ruleId,
    ruleTitle: { en: ruleTitle.en, 'zh-CN': ruleTitle.zhCN },
    priority,
    status,
    raisedAt,
    counts: { ...counts },
    userRefs: [...userRefs],
    link,
  };
}

/** Server-side strings of the summary (not UI: robots and webhooks only). */
const STRINGS = {
  en: {
    heading: 'Castellan alert',
    colon: ': ',
    priority: 'Priority',
    status: 'Status',
    rule: 'Rule',
    alert: 'Alert',
    raisedAt: 'Raised (UTC)',
    events: 'Events',
    dataSubjects: 'Data subjects',
    users: 'Users',
    userRefs: 'User ids',
    more: (n: number) => `+${n} more`,
    open: 'Open in Castellan',
    statuses: { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved', suppressed: 'Suppressed' },
  },
  'zh-CN': {
    heading: 'Castellan 告警',
    colon: '：',
    priority: '优先级',
    status: '状态',
    rule: '规则',
    alert: '告警',
    raisedAt: '触发时间（UTC）',
    events: '事件数',
    dataSubjects: '涉及数据主体',
    users: '涉及用户',
    userRefs: '用户 ID',
    more: (n: number) => `另有 ${n} 个`,
    open: '在 Castellan 中查看',
    statuses: { open: '待处理', acknowledged: '已确认', resolved: '已解决', suppressed: '已抑制' },
  },
} as const;

const SHOWN_USER_REFS = 5;

/** The pieces of a summary, for renderers that lay them out themselves (a Feishu card). */
export interface AlertSummaryParts {
  /** "Castellan alert" / "Castellan 告警". */
  heading: string;
  /** For notification previews: "[P8] <rule title>". */
  title: string;
  ruleTitle: string;
  fields: [label: string, value: string][];
  /** ": " or "：". */
  colon: string;
  linkLabel: string;
  link: string;
}

/** Labels and values of the summary in English or Simplified Chinese. */
export function alertSummaryParts(message: AlertMessage, locale: AlertLocale): AlertSummaryParts {
  const s = STRINGS[locale];
  const ruleTitle = locale === 'zh-CN' ? message.ruleTitle.zhCN : message.ruleTitle.en;
  const shown = message.userRefs.slice(0, SHOWN_USER_REFS);
  const hidden = message.userRefs.length - shown.length;
  const fields: [string, string][] = [
    [s.priority, `${message.priority}/10`],
    [s.status, s.statuses[message.status]],
    [s.rule, message.ruleId],
    [s.alert, message.alertId],
    [s.raisedAt, message.raisedAt],
    [s.events, String(message.counts.events)],
    [s.dataSubjects, String(message.counts.dataSubjects)],
    [s.users, String(message.counts.users)],
  ];
  if (shown.length > 0) fields.push([s.userRefs, [...shown, ...(hidden > 0 ? [s.more(hidden)] : [])].join(', ')]);
  return { heading: s.heading, title: `[P${message.priority}] ${ruleTitle}`, ruleTitle, fields, colon: s.colon, linkLabel: s.open, link: message.link };
}

/** A short summary: `title` for notification previews (DingTalk's markdown title), `text` for the body. */
export interface AlertSummary {
  title: string;
  text: string;
}

/** Renders the summary in English or Simplified Chinese, as plain text or Markdown. */
export function renderAlertSummary(message: AlertMessage, locale: AlertLocale, format: SummaryFormat): AlertSummary {
  const { heading, title, ruleTitle, fields, colon, linkLabel, link } = alertSummaryParts(message, locale);
  const lines =
    format === 'markdown'
      ? [`### ${heading}${colon}${ruleTitle}`, ...fields.map(([label, value]) => `**${label}**${colon}${value}`), `[${linkLabel}](${link})`]
      : [`${heading}${colon}${ruleTitle}`, ...fields.map(([label, value]) => `${label}${colon}${value}`), `${linkLabel}${colon}${link}`];
  // Two trailing spaces make a Markdown line break that DingTalk honours; WeCom and Feishu break on "\n" anyway.
  return { title, text: lines.join(format === 'markdown' ? '  \n' : '\n') };
}

/** A header's value, case-insensitively, first one if repeated. */
export function headerValue(headers: ReceivedRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

/** The JSON object of a request declared `application/json` (UTF-8, the only charset the robots take); undefined otherwise. */
export function readJsonBody(request: Pick<ReceivedRequest, 'headers' | 'body'>): Record<string, unknown> | undefined {
  const contentType = headerValue(request.headers, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) return undefined;
  const charset = /;\s*charset=([^;\s]+)/i.exec(contentType)?.[1];
  if (charset && !/^"?utf-8"?$/i.test(charset)) return undefined;
  try {
    const value: unknown = JSON.parse(request.body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What every robot builder takes. The secret is the DingTalk 加签 secret, the Feishu signing secret or the WeCom key. */
export interface RobotRequestInput {
  webhookUrl: string;
  secret: string;
  message: AlertMessage;
  locale: AlertLocale;
  /** 'markdown' is a markdown message on DingTalk and WeCom and an interactive card on Feishu. */
  format: SummaryFormat;
  clock: () => Date;
}

/** What every robot verifier (the local test receiver's check) takes. */
export interface RobotVerifyInput {
  request: ReceivedRequest;
  /** The webhook URL the sender was configured with (pointing at the receiver in tests). */
  webhookUrl: string;
  secret: string;
  now: Date;
}

/** A string field of a parsed body, or undefined. */
export function stringAt(value: unknown, ...path: string[]): string | undefined {
  let at: unknown = value;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return typeof at === 'string' ? at : undefined;
}
