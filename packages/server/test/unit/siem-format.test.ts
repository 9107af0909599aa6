import { describe, expect, it } from 'vitest';
import { parseSyslogUrl, syslogFacilitySetting } from '../../src/config/siem-settings.js';
import { type AuditEventRow, auditEventToJson, formatJsonLine, formatJsonLines } from '../../src/platform/audit/siem/jsonl-format.js';
import {
  asciiJson,
  escapeParamValue,
  formatSyslogMessage,
  headerField,
  octetCountingFrame,
  priority,
  SD_ID,
  severityOf,
  syslogTimestamp,
} from '../../src/platform/audit/siem/syslog-format.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function event(overrides: Partial<AuditEventRow> = {}): AuditEventRow {
  return {
    seq: 42,
    id: '0190a0b0-0000-7000-8000-000000000042',
    at: '2025-03-04T05:06:07.089Z',
    actor_kind: 'user',
    actor_id: '0190a0b0-0000-7000-8000-00000000000a',
    action: 'personal_data.read',
    outcome: 'success',
    resource: 'contact',
    resource_id: '0190a0b0-0000-7000-8000-0000000000c1',
    subject_ids: JSON.stringify(['s-1', 's-2']),
    fields: JSON.stringify(['name', 'email']),
    request_id: 'req-1',
    ip: '203.0.113.9',
    user_agent: 'curl/8.0',
    detail: JSON.stringify({ purpose: 'service', count: 1 }),
    prev_hash: HASH_A,
    hash: HASH_B,
    ...overrides,
  } as AuditEventRow;
}

/** Splits an RFC 5424 message into header fields, structured data and MSG (SD values may hold escaped `]`). */
function parse5424(message: string) {
  const header = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(message);
  if (!header) throw new Error(`not RFC 5424: ${message}`);
  let i = header[0].length;
  expect(message[i]).toBe('[');
  let inValue = false;
  for (; i < message.length; i++) {
    const c = message[i];
    if (inValue && c === '\\') i++;
    else if (c === '"') inValue = !inValue;
    else if (!inValue && c === ']') break;
  }
  const sd = message.slice(header[0].length, i + 1);
  const params: Record<string, string> = {};
  for (const m of sd.matchAll(/ ([^= \]"]+)="((?:[^"\\]|\\.)*)"/g)) params[m[1] as string] = (m[2] as string).replace(/\\(.)/g, '$1');
  return {
    pri: Number(header[1]),
    timestamp: header[2],
    hostname: header[3],
    app: header[4],
    procid: header[5],
    msgid: header[6],
    sd,
    params,
    msg: message.slice(i + 2),
  };
}

describe('JSON lines formatter', () => {
  it('writes every column, parses the JSON columns and groups the hash chain', () => {
    expect(auditEventToJson(event())).toEqual({
      seq: 42,
      id: '0190a0b0-0000-7000-8000-000000000042',
      at: '2025-03-04T05:06:07.089Z',
      actor_kind: 'user',
      actor_id: '0190a0b0-0000-7000-8000-00000000000a',
      action: 'personal_data.read',
      outcome: 'success',
      resource: 'contact',
      resource_id: '0190a0b0-0000-7000-8000-0000000000c1',
      subject_ids: ['s-1', 's-2'],
      fields: ['name', 'email'],
      request_id: 'req-1',
      ip: '203.0.113.9',
      user_agent: 'curl/8.0',
      detail: { purpose: 'service', count: 1 },
      chain: { prev: HASH_A, hash: HASH_B },
    });
  });

  it('keeps nulls, passes columns added later through, and keeps a non-JSON value as text', () => {
    const json = auditEventToJson({ ...event({ subject_ids: null, fields: null, detail: '{not json', actor_id: null }), seal: 'c0ffee' } as AuditEventRow);
    expect(json).toMatchObject({ subject_ids: null, fields: null, detail: '{not json', actor_id: null, seal: 'c0ffee' });
    expect(json).not.toHaveProperty('prev_hash');
    expect(json).not.toHaveProperty('hash');
  });

  it('re-serialising a parsed column gives the stored text back (the chain can be recomputed)', () => {
    const stored = event({ detail: JSON.stringify({ reason: '客户要求 "quote" \\ ]', n: 1.5, nested: { a: [1, null] } }) });
    const line = JSON.parse(formatJsonLine(stored));
    expect(JSON.stringify(line.detail)).toBe(stored.detail);
    expect(JSON.stringify(line.subject_ids)).toBe(stored.subject_ids);
  });

  it('writes one event per line, each ending in a newline', () => {
    const text = formatJsonLines([event({ seq: 1 }), event({ seq: 2, user_agent: 'line\nbreak' })]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.slice(0, 2).map((l) => JSON.parse(l).seq)).toEqual([1, 2]);
    expect(JSON.parse(lines[1] as string).user_agent).toBe('line\nbreak');
  });
});

describe('RFC 5424 syslog formatter', () => {
  it('computes PRI as facility × 8 + severity', () => {
    expect(priority(10, 5)).toBe(85);
    expect(priority(10, 4)).toBe(84);
    expect(priority(16, 5)).toBe(133); // local0.notice
    expect(priority(4, 4)).toBe(36); // auth.warning
    expect(priority(0, 0)).toBe(0);
    expect(priority(23, 7)).toBe(191);
    expect(() => priority(24, 5)).toThrow(RangeError);
    expect(() => priority(10, 8)).toThrow(RangeError);
    expect(() => priority(-1, 0)).toThrow(RangeError);
  });

  it('maps success to notice and failure / refused to warning', () => {
    expect(severityOf('success')).toBe(5);
    expect(severityOf('failure')).toBe(4);
    expect(severityOf('refused')).toBe(4);
    expect(parse5424(formatSyslogMessage(event({ outcome: 'success' }), { facility: 10, hostname: 'h' })).pri).toBe(85);
    expect(parse5424(formatSyslogMessage(event({ outcome: 'failure' }), { facility: 10, hostname: 'h' })).pri).toBe(84);
    expect(parse5424(formatSyslogMessage(event({ outcome: 'refused' }), { facility: 16, hostname: 'h' })).pri).toBe(132);
  });

  it('escapes ", \\ and ] in SD-PARAM values (RFC 5424 §6.3.3) and nothing else', () => {
    expect(escapeParamValue('a"b')).toBe('a\\"b');
    expect(escapeParamValue('a\\b')).toBe('a\\\\b');
    expect(escapeParamValue('a]b')).toBe('a\\]b');
    expect(escapeParamValue('[x="y"] \\')).toBe('[x=\\"y\\"\\] \\\\');
    expect(escapeParamValue('plain = [text] 李')).toBe('plain = [text\\] 李');
  });

  it('writes the header, the castellan@32473 structured data and the JSON event as MSG', () => {
    const row = event({ resource_id: 'we"ird\\id]', request_id: null });
    const message = formatSyslogMessage(row, { facility: 10, hostname: 'crm-01.example.com' });
    expect(message.startsWith('<85>1 2025-03-04T05:06:07.089Z crm-01.example.com castellan - personal_data.read [castellan@32473 seq="42" ')).toBe(true);
    const parsed = parse5424(message);
    expect(parsed).toMatchObject({
      pri: 85,
      timestamp: '2025-03-04T05:06:07.089Z',
      hostname: 'crm-01.example.com',
      app: 'castellan',
      procid: '-',
      msgid: 'personal_data.read',
    });
    expect(parsed.sd.startsWith(`[${SD_ID} `)).toBe(true);
    expect(parsed.sd).toContain('resourceId="we\\"ird\\\\id\\]"');
    expect(parsed.params).toEqual({
      seq: '42',
      id: row.id,
      actor: `user:${row.actor_id}`,
      action: 'personal_data.read',
      outcome: 'success',
      resource: 'contact',
      resourceId: 'we"ird\\id]',
      ip: '203.0.113.9',
      hash: HASH_B,
    });
    expect(parsed.params).not.toHaveProperty('requestId');
    expect(JSON.parse(parsed.msg)).toEqual(auditEventToJson(row));
  });

  it('names a system actor by its kind alone', () => {
    expect(parse5424(formatSyslogMessage(event({ actor_kind: 'system', actor_id: null }), { facility: 10, hostname: 'h' })).params.actor).toBe('system');
  });

  it('keeps MSG plain ASCII: non-ASCII as JSON \\u escapes, same value', () => {
    const row = event({ detail: JSON.stringify({ reason: '客户 asked ✓ 😀' }) });
    const { msg } = parse5424(formatSyslogMessage(row, { facility: 10, hostname: 'h' }));
    expect(/^[\x20-\x7e]*$/.test(msg)).toBe(true);
    expect(JSON.parse(msg).detail.reason).toBe('客户 asked ✓ 😀');
    expect(asciiJson({ s: 'é' })).toBe('{"s":"\\u00e9"}');
  });

  it('keeps header fields to printable US-ASCII and their maximum length', () => {
    expect(headerField('my host', 255)).toBe('my_host');
    expect(headerField('', 255)).toBe('-');
    expect(headerField(null, 32)).toBe('-');
    expect(headerField('x'.repeat(40), 32)).toHaveLength(32);
    expect(parse5424(formatSyslogMessage(event({ action: 'a.very.long.action.name.beyond.thirty.two' }), { facility: 10, hostname: 'h' })).msgid).toHaveLength(
      32,
    );
  });

  it('writes RFC 3339 timestamps, or the NILVALUE when unknown', () => {
    expect(syslogTimestamp('2025-03-04T05:06:07.089Z')).toBe('2025-03-04T05:06:07.089Z');
    expect(syslogTimestamp('2025-03-04T05:06:07+08:00')).toBe('2025-03-04T05:06:07+08:00');
    expect(syslogTimestamp('2025-03-04 05:06:07Z')).toBe('2025-03-04T05:06:07.000Z');
    expect(syslogTimestamp('nonsense')).toBe('-');
  });

  it('frames by octet counting (RFC 6587 §3.4.1): the length in bytes, a space, the message', () => {
    expect(octetCountingFrame('<85>1 - - - - - -').toString()).toBe('17 <85>1 - - - - - -');
    const utf8 = octetCountingFrame('李 é');
    expect(utf8.toString('utf8')).toBe('6 李 é'); // 3 + 1 + 2 bytes
    const message = formatSyslogMessage(event({ resource_id: '李' }), { facility: 10, hostname: 'h' });
    const frame = octetCountingFrame(message);
    const space = frame.indexOf(0x20);
    expect(Number(frame.subarray(0, space).toString())).toBe(frame.length - space - 1);
    expect(frame.subarray(space + 1).toString('utf8')).toBe(message);
  });
});

describe('SIEM settings', () => {
  it('accepts tls://host:port URLs only', () => {
    expect(parseSyslogUrl('tls://siem.example.com:6514')).toEqual({ host: 'siem.example.com', port: 6514 });
    expect(parseSyslogUrl('tls://127.0.0.1:10514')).toEqual({ host: '127.0.0.1', port: 10514 });
    expect(parseSyslogUrl('tls://[::1]:6514')).toEqual({ host: '::1', port: 6514 });
    expect(parseSyslogUrl('tls://siem')).toEqual({ host: 'siem', port: 6514 });
    expect(parseSyslogUrl('tcp://siem:514')).toBeUndefined();
    expect(parseSyslogUrl('tls://siem:0')).toBeUndefined();
    expect(parseSyslogUrl('tls://siem:70000')).toBeUndefined();
    expect(parseSyslogUrl('tls://user@siem:6514')).toBeUndefined();
  });

  it('reads the facility as a number or a name', () => {
    expect(syslogFacilitySetting.parse('10')).toBe(10);
    expect(syslogFacilitySetting.parse('local0')).toBe(16);
    expect(syslogFacilitySetting.parse('AUTHPRIV')).toBe(10);
    expect(syslogFacilitySetting.safeParse('24').success).toBe(false);
    expect(syslogFacilitySetting.safeParse('nope').success).toBe(false);
  });
});
