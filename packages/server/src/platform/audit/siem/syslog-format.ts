import { type AuditEventRow, auditEventToJson } from './jsonl-format.js';

/**
 * RFC 5424 syslog messages for audit events, framed by octet counting (RFC 6587 §3.4.1, the
 * framing RFC 5425 prescribes for TLS):
 *
 *   <PRI>1 TIMESTAMP HOSTNAME castellan - ACTION [castellan@32473 seq="…" id="…" …] {"seq":…}
 *
 * MSGID is the action, the structured data names the event, MSG is the event as exported in JSON
 * lines. Non-ASCII characters in MSG are written as JSON \u escapes, so MSG is plain ASCII
 * (RFC 5424 MSG-ANY, no BOM needed) and parses as the same JSON.
 */

/** The SD-ID of Castellan's structured data. 32473 is the example enterprise number (RFC 5612). */
export const SD_ID = 'castellan@32473';
export const APP_NAME = 'castellan';

export const SEVERITY_WARNING = 4;
export const SEVERITY_NOTICE = 5;

export interface SyslogFormatOptions {
  /** RFC 5424 facility, 0–23 (default 10: security/authorization). */
  facility: number;
  /** HOSTNAME field (usually os.hostname()). */
  hostname: string;
}

/** Successes are notices; failures and refusals are warnings. */
export function severityOf(outcome: string): number {
  return outcome === 'success' ? SEVERITY_NOTICE : SEVERITY_WARNING;
}

/** PRI = facility × 8 + severity (RFC 5424 §6.2.1). */
export function priority(facility: number, severity: number): number {
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) throw new RangeError(`syslog facility must be 0–23, got ${facility}`);
  if (!Number.isInteger(severity) || severity < 0 || severity > 7) throw new RangeError(`syslog severity must be 0–7, got ${severity}`);
  return facility * 8 + severity;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` are preceded by a backslash. */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/**
 * A header field (HOSTNAME, APP-NAME, MSGID): 1–`max` printable US-ASCII characters (33–126);
 * anything else becomes `_`; empty becomes the NILVALUE `-`.
 */
export function headerField(value: string | null | undefined, max: number): string {
  if (!value) return '-';
  const cleaned = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return cleaned || '-';
}

/** RFC 3339 timestamp as RFC 5424 wants it (at most 6 fractional digits), or `-` when unknown. */
export function syslogTimestamp(at: string | null | undefined): string {
  if (!at) return '-';
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/.test(at)) return at;
  const parsed = new Date(at);
  return Number.isNaN(parsed.getTime()) ? '-' : parsed.toISOString();
}

/** JSON with every non-ASCII character as a \u escape: the same value, ASCII only. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** For an operator's event (the CLI acting for a user): that user, shown beside the actor. */
function onBehalfOf(row: AuditEventRow): string | undefined {
  if (row.actor_kind !== 'operator' || !row.detail) return undefined;
  try {
    const detail = JSON.parse(row.detail) as { onBehalfOf?: unknown };
    return typeof detail.onBehalfOf === 'string' ? detail.onBehalfOf : undefined;
  } catch {
    return undefined;
  }
}

function structuredData(row: AuditEventRow): string {
  const actor = row.actor_id ? `${row.actor_kind}:${row.actor_id}` : row.actor_kind;
  const params: [string, string | number | null | undefined][] = [
    ['seq', Number(row.seq)],
    ['id', row.id],
    ['actor', actor],
    ['onBehalfOf', onBehalfOf(row)],
    ['action', row.action],
    ['outcome', row.outcome],
    ['resource', row.resource],
    ['resourceId', row.resource_id],
    ['requestId', row.request_id],
    ['ip', row.ip],
    ['hash', row.hash],
  ];
  const rendered = params.filter(([, value]) => value !== null && value !== undefined).map(([name, value]) => `${name}="${escapeParamValue(String(value))}"`);
  return `[${SD_ID} ${rendered.join(' ')}]`;
}

/** One RFC 5424 message (unframed). */
export function formatSyslogMessage(row: AuditEventRow, options: SyslogFormatOptions): string {
  const pri = priority(options.facility, severityOf(row.outcome));
  const header = `<${pri}>1 ${syslogTimestamp(row.at)} ${headerField(options.hostname, 255)} ${APP_NAME} - ${headerField(row.action, 32)}`;
  return `${header} ${structuredData(row)} ${asciiJson(auditEventToJson(row))}`;
}

/** Octet-counting framing (RFC 6587 §3.4.1, RFC 5425 §4.3): `MSG-LEN SP SYSLOG-MSG`, MSG-LEN in octets. */
export function octetCountingFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
