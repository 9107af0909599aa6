import { z } from 'zod';

/**
 * Settings of the SIEM export (CASTELLAN_SIEM_*), kept apart from config.schema.ts so that the
 * syslog vocabulary (facility names, the tls:// URL) lives in one place.
 */

/** RFC 5424 §6.2.1 facility codes by their usual names. */
export const syslogFacilities = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

const facilityMessage = 'must be a syslog facility: 0–23 or a name such as authpriv (10) or local0 (16)';

/** A facility as a number 0–23 or a name (`authpriv`, `local0` …). */
export const syslogFacilitySetting = z.preprocess(
  (value) =>
    typeof value === 'string' && value.toLowerCase() in syslogFacilities ? syslogFacilities[value.toLowerCase() as keyof typeof syslogFacilities] : value,
  z.coerce.number({ error: facilityMessage }).int(facilityMessage).min(0, facilityMessage).max(23, facilityMessage),
);

export const DEFAULT_SYSLOG_TLS_PORT = 6514; // RFC 5425

export interface SyslogTarget {
  host: string;
  port: number;
}

/** `tls://host:port` (`tls://[::1]:6514` for IPv6; the port defaults to 6514, RFC 5425). */
export function parseSyslogUrl(url: string): SyslogTarget | undefined {
  const match = /^tls:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?\/?$/.exec(url);
  if (!match?.[1]) return undefined;
  const port = match[2] === undefined ? DEFAULT_SYSLOG_TLS_PORT : Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

export const syslogUrlSetting = z.string().refine((url) => parseSyslogUrl(url) !== undefined, 'must be tls://host:port (syslog over TLS, RFC 5425)');
