import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { type Config, ConfigError } from '../../../config/load-config.js';
import { parseSyslogUrl } from '../../../config/siem-settings.js';
import { type AuditEventSink, syslogSink } from './shipper.js';
import { tlsSyslogTransport } from './tls-transport.js';

/** The syslog shipping settings derived from CASTELLAN_SIEM_*; null when no syslog URL is set. */
export interface SiemSyslogSettings {
  host: string;
  port: number;
  caFile: string | undefined;
  facility: number;
  intervalMs: number;
}

export function siemSyslogSettings(config: Config): SiemSyslogSettings | null {
  const raw = config.raw;
  if (!raw.CASTELLAN_SIEM_SYSLOG_URL) {
    if (raw.CASTELLAN_SIEM_CA_FILE) throw new ConfigError('CASTELLAN_SIEM_CA_FILE', 'set without CASTELLAN_SIEM_SYSLOG_URL');
    return null;
  }
  const target = parseSyslogUrl(raw.CASTELLAN_SIEM_SYSLOG_URL);
  if (!target) throw new ConfigError('CASTELLAN_SIEM_SYSLOG_URL', 'must be tls://host:port');
  const caFile = raw.CASTELLAN_SIEM_CA_FILE ? path.resolve(raw.CASTELLAN_SIEM_CA_FILE) : undefined;
  if (caFile) {
    try {
      readFileSync(caFile);
    } catch {
      throw new ConfigError('CASTELLAN_SIEM_CA_FILE', `cannot read ${caFile}`);
    }
  }
  return { ...target, caFile, facility: raw.CASTELLAN_SIEM_FACILITY, intervalMs: raw.CASTELLAN_SIEM_INTERVAL_SECONDS * 1000 };
}

/** The syslog-over-TLS sink for these settings. */
export function siemSyslogSink(settings: SiemSyslogSettings): AuditEventSink {
  return syslogSink(tlsSyslogTransport({ host: settings.host, port: settings.port, caFile: settings.caFile }), {
    facility: settings.facility,
    hostname: hostname(),
  });
}
