import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  type AlertMessage,
  type AlertMessageInput,
  AlertMessageRefused,
  alertMessageToJson,
  backoffDelayMs,
  buildCastellanWebhookRequest,
  buildDingTalkRequest,
  buildFeishuRequest,
  buildWeComRequest,
  castellanSignature,
  classifyDeliveryResponse,
  classifyTransportError,
  createAlertMessage,
  DEFAULT_RETRY_POLICY,
  type DeliveryPlatform,
  type DeliveryRequest,
  dingTalkSign,
  feishuSign,
  nextStep,
  parseRetryAfter,
  type ReceivedRequest,
  type RobotRequestInput,
  type RobotVerdict,
  type RobotVerifyInput,
  renderAlertSummary,
  verifyCastellanWebhook,
  verifyDingTalkRequest,
  verifyFeishuRequest,
  verifyWeComRequest,
} from '../../../src/platform/monitor/delivery/index.js';

const NOW = new Date('2026-01-01T00:00:00.000Z'); // 1767225600 s
const at = (ms: number) => new Date(NOW.getTime() + ms);
const ALERT_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const USER_A = '0190a1b2-c3d4-7000-8000-000000000001';
const LINK = `https://crm.example.com/app/monitor/alerts/${ALERT_ID}`;

const input = (over: Partial<AlertMessageInput> = {}): AlertMessageInput => ({
  alertId: ALERT_ID,
  ruleId: 'mass-export',
  ruleTitle: { en: 'Mass export of personal data', zhCN: '个人信息批量导出' },
  priority: 8,
  status: 'open',
  raisedAt: NOW,
  counts: { events: 37, dataSubjects: 1200, users: 1 },
  userRefs: [USER_A],
  webAppUrl: 'https://crm.example.com/app',
  ...over,
});
const message = createAlertMessage(input());

/** What a personal value looks like; none may reach a chat group or a webhook. */
const FAKE_PERSONAL_VALUES = [
  'Zhang Wei',
  '张伟',
  'alice@example.com',
  '+86 138 0013 8000',
  '13800138000',
  '110101199003074578',
  '192.168.10.23',
  '2001:db8::1',
  'subject-88421',
];

const asReceived = (request: DeliveryRequest, over: Partial<ReceivedRequest> = {}): ReceivedRequest => ({ ...request, ...over });

describe('signature vectors (expected values computed independently with Python 3 hmac/hashlib/base64)', () => {
  it.each([
    // DingTalk: base64(HMAC-SHA256(key=secret, msg=timestamp + "\n" + secret)); this vector holds both "+" and "/".
    ['DingTalk 加签', () => dingTalkSign('1767225600005', 'SECd0c1b2a3f4e5d6c7b8a9'), 'w9c3lF00zz7/bnWnj3j91OK7G83EV6jBgpUp+TOIJaQ='],
    // Feishu: base64(HMAC-SHA256(key=timestamp + "\n" + secret, msg="")).
    ['Feishu 签名校验', () => feishuSign('1767225600', 'feishu-test-secret'), '+O/t8xQIQMWSvTBZyknDY29EsHsGDkn69jEmEuuS2Fs='],
    // Castellan v1: hex(HMAC-SHA256(key=secret, msg=timestamp + "." + body)).
    [
      'Castellan v1',
      () => castellanSignature('whsec_castellan_test', '1767225600', '{"type":"alert.raised","id":"evt-1"}'),
      '53b796f1dce50e354eda852972d22aff8e90baa4d85acf48026f7f1ab4d7af18',
    ],
  ])('%s', (_name, compute, expected) => {
    expect(compute()).toBe(expected);
  });

  it('Feishu is not signed the DingTalk way (secret as key), which the platform answers with 19021', () => {
    expect(feishuSign('1767225600', 'feishu-test-secret')).not.toBe('3m8KMfscg8fTqpovmUER27LLPHkp4yjqYrp4qAWMAAI=');
  });
});

describe('the alert message carries no personal value', () => {
  it('renders English text exactly', () => {
    expect(renderAlertSummary(message, 'en', 'text')).toEqual({
      title: '[P8] Mass export of personal data',
      text: [
        'Castellan alert: Mass export of personal data',
        'Priority: 8/10',
        'Status: Open',
        'Rule: mass-export',
        `Alert: ${ALERT_ID}`,
        'Raised (UTC): 2026-01-01T00:00:00Z',
        'Events: 37',
        'Data subjects: 1200',
        'Users: 1',
        `User ids: ${USER_A}`,
        `Open in Castellan: ${LINK}`,
      ].join('\n'),
    });
  });

  it('renders Simplified Chinese markdown exactly', () => {
    expect(renderAlertSummary(message, 'zh-CN', 'markdown')).toEqual({
      title: '[P8] 个人信息批量导出',
      text: [
        '### Castellan 告警：个人信息批量导出',
        '**优先级**：8/10',
        '**状态**：待处理',
        '**规则**：mass-export',
        `**告警**：${ALERT_ID}`,
        '**触发时间（UTC）**：2026-01-01T00:00:00Z',
        '**事件数**：37',
        '**涉及数据主体**：1200',
        '**涉及用户**：1',
        `**用户 ID**：${USER_A}`,
        `[在 Castellan 中查看](${LINK})`,
      ].join('  \n'),
    });
  });

  it('copies only its own fields: personal values smuggled in beside them reach neither summary nor payload', () => {
    const smuggled = { ...input(), name: 'Zhang Wei', email: 'alice@example.com', phone: '+86 138 0013 8000', ip: '192.168.10.23', subjectId: 'subject-88421' };
    const checked = createAlertMessage(smuggled);
    const printed = [
      ...(['en', 'zh-CN'] as const).flatMap((locale) =>
        (['text', 'markdown'] as const).map((format) => JSON.stringify(renderAlertSummary(checked, locale, format))),
      ),
      JSON.stringify(alertMessageToJson(checked)),
      JSON.stringify(checked),
    ].join('\n');
    for (const value of FAKE_PERSONAL_VALUES) expect(printed).not.toContain(value);
    expect(Object.keys(checked).sort()).toEqual(['alertId', 'counts', 'link', 'priority', 'raisedAt', 'ruleId', 'ruleTitle', 'status', 'userRefs']);
  });

  it('cannot be written as an object literal, nor given an unknown field in one', () => {
    const { alertId, ruleId, ruleTitle, priority, status, raisedAt, counts, userRefs, link } = message;
    // @ts-expect-error an AlertMessage carries the brand that only createAlertMessage adds
    const literal: AlertMessage = { alertId, ruleId, ruleTitle, priority, status, raisedAt, counts, userRefs, link };
    // @ts-expect-error excess property: there is no field for an e-mail address
    const withEmail: AlertMessageInput = { ...input(), email: 'alice@example.com' };
    expect(literal.alertId).toBe(withEmail.alertId);
  });

  it.each(FAKE_PERSONAL_VALUES.filter((v) => !/^[\p{L} ]+$/u.test(v) && v !== 'subject-88421'))('refuses %s in a rule title, without echoing it', (value) => {
    for (const over of [{ ruleTitle: { en: `Export by ${value}`, zhCN: '导出' } }, { ruleTitle: { en: 'Export', zhCN: `${value} 导出` } }]) {
      const attempt = () => createAlertMessage(input(over));
      expect(attempt).toThrow(AlertMessageRefused);
      expect(attempt).toThrow(/looks like it holds a personal value/);
      try {
        attempt();
      } catch (error) {
        expect((error as Error).message).not.toContain(value);
      }
    }
  });

  it.each([
    ['alertId', { alertId: '13800138000' }, /alertId must be a record id/],
    ['ruleId', { ruleId: 'alice@example.com' }, /ruleId must be a catalogue slug/],
    ['userRefs', { userRefs: ['alice@example.com'] }, /userRefs must hold record ids only/],
    ['userRefs', { userRefs: ['Zhang Wei'] }, /userRefs must hold record ids only/],
    ['priority', { priority: 11 }, /priority must be an integer from 0 to 10/],
    ['priority', { priority: 2.5 }, /priority must be an integer/],
    ['counts', { counts: { events: -1, dataSubjects: 0, users: 0 } }, /counts.events must be a non-negative integer/],
    ['webAppUrl query', { webAppUrl: 'https://crm.example.com/?email=alice@example.com' }, /must not carry a query/],
    ['webAppUrl scheme', { webAppUrl: 'http://crm.example.com/' }, /must use https/],
    ['title markup', { ruleTitle: { en: 'Export <@all>', zhCN: '导出' } }, /personal value or markup/],
    ['full-width phone', { ruleTitle: { en: 'Export', zhCN: '导出１３８００１３８０００' } }, /personal value or markup/],
  ])('refuses a bad %s', (_field, over, expected) => {
    expect(() => createAlertMessage(input(over as Partial<AlertMessageInput>))).toThrow(expected);
  });

  it.each([
    'Mass export of personal data',
    '个人信息批量导出',
    "Access to minors' records",
    'Brute force: 20 failed sign-ins in 5 min',
    '非工作时间访问（夜间）',
  ])('accepts the catalogue title %s', (title) => {
    expect(createAlertMessage(input({ ruleTitle: { en: title, zhCN: title } })).ruleTitle.en).toBe(title);
  });
});

describe('Castellan signed webhook', () => {
  const SECRET = 'whsec_castellan_test';
  const request = buildCastellanWebhookRequest({ url: 'https://hooks.example.com/castellan', secrets: SECRET, eventId: 'evt-1', message, clock: () => NOW });

  it('sends the documented headers and a body of the alert message only', () => {
    expect(request.headers).toMatchObject({
      'x-castellan-event-id': 'evt-1',
      'x-castellan-timestamp': '1767225600',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(request.headers['x-castellan-signature']).toBe(`v1=${castellanSignature(SECRET, '1767225600', request.body)}`);
    expect(JSON.parse(request.body)).toEqual({ id: 'evt-1', type: 'monitor.alert', data: alertMessageToJson(message) });
  });

  it.each([
    ['the built request', {}, NOW, { ok: true, eventId: 'evt-1', timestamp: 1767225600 }],
    ['300 s later', {}, at(300_000), { ok: true, eventId: 'evt-1', timestamp: 1767225600 }],
    ['301 s later (replay)', {}, at(301_000), { ok: false, reason: 'stale-timestamp' }],
    ['301 s earlier (clock ahead)', {}, at(-301_000), { ok: false, reason: 'stale-timestamp' }],
    ['a tampered body', { body: request.body.replace('"priority":8', '"priority":1') }, NOW, { ok: false, reason: 'signature-mismatch' }],
    ['a shifted timestamp', { headers: { ...request.headers, 'x-castellan-timestamp': '1767225601' } }, NOW, { ok: false, reason: 'signature-mismatch' }],
    ['no signature header', { headers: { ...request.headers, 'x-castellan-signature': undefined } }, NOW, { ok: false, reason: 'missing-header' }],
    ['only an unknown scheme', { headers: { ...request.headers, 'x-castellan-signature': 'v2=abc' } }, NOW, { ok: false, reason: 'no-v1-signature' }],
    ['a non-numeric timestamp', { headers: { ...request.headers, 'x-castellan-timestamp': 'soon' } }, NOW, { ok: false, reason: 'malformed-timestamp' }],
  ])('verify: %s', (_name, over, now, expected) => {
    expect(verifyCastellanWebhook({ request: asReceived(request, over as Partial<ReceivedRequest>), secrets: SECRET, now })).toEqual(expected);
  });

  it('refuses the wrong secret and accepts either secret during a rotation', () => {
    expect(verifyCastellanWebhook({ request, secrets: 'whsec_some_other_secret', now: NOW })).toEqual({ ok: false, reason: 'signature-mismatch' });
    const rotating = buildCastellanWebhookRequest({
      url: 'https://hooks.example.com/castellan',
      secrets: [SECRET, 'whsec_the_next_secret_'],
      eventId: 'evt-1',
      message,
      clock: () => NOW,
    });
    expect(rotating.headers['x-castellan-signature']).toMatch(/^v1=[0-9a-f]{64} v1=[0-9a-f]{64}$/);
    expect(verifyCastellanWebhook({ request: rotating, secrets: 'whsec_the_next_secret_', now: NOW }).ok).toBe(true);
    expect(verifyCastellanWebhook({ request: rotating, secrets: SECRET, now: NOW }).ok).toBe(true);
  });

  it('never names the secret in its errors', () => {
    const weak = 'short-secret';
    expect(() => buildCastellanWebhookRequest({ url: 'https://hooks.example.com/x', secrets: weak, eventId: 'evt-1', message, clock: () => NOW })).toThrow(
      /^webhook signing needs at least one secret of 16 characters or more$/,
    );
    expect(() =>
      buildCastellanWebhookRequest({ url: 'http://hooks.example.com/?token=t0ps3cr3t', secrets: SECRET, eventId: 'e', message, clock: () => NOW }),
    ).toThrow(/^the webhook URL must use https$/);
  });
});

interface Robot {
  name: string;
  build: (input: RobotRequestInput) => DeliveryRequest;
  verify: (input: RobotVerifyInput) => RobotVerdict;
  webhookUrl: string;
  secret: string;
  /** How long the platform accepts a signature, in ms; undefined when nothing is signed. */
  freshFor?: number;
}

const ROBOTS: Robot[] = [
  {
    name: 'DingTalk',
    build: buildDingTalkRequest,
    verify: verifyDingTalkRequest,
    webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=tok123',
    secret: 'SECd0c1b2a3f4e5d6c7b8a9',
    freshFor: 3_600_000,
  },
  {
    name: 'Feishu',
    build: buildFeishuRequest,
    verify: verifyFeishuRequest,
    webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c-aaaa-bbbb-cccc-123456789abc',
    secret: 'feishu-test-secret',
    freshFor: 3_600_000,
  },
  {
    name: 'WeCom',
    build: buildWeComRequest,
    verify: verifyWeComRequest,
    webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send',
    secret: '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
  },
];

const FORMATS = [
  ['en', 'text'],
  ['en', 'markdown'],
  ['zh-CN', 'text'],
  ['zh-CN', 'markdown'],
] as const;

describe('group robot requests, checked as each platform documents them', () => {
  const build = (robot: Robot, locale: RobotRequestInput['locale'] = 'zh-CN', format: RobotRequestInput['format'] = 'markdown', clock = () => at(5)) =>
    robot.build({ webhookUrl: robot.webhookUrl, secret: robot.secret, message, locale, format, clock });
  const verify = (robot: Robot, request: ReceivedRequest, now = at(5), secret = robot.secret) =>
    robot.verify({ request, webhookUrl: robot.webhookUrl, secret, now });

  it('DingTalk: signed URL exactly as documented, no @ block', () => {
    const request = build(ROBOTS[0]!, 'en', 'text');
    expect(request.url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=tok123&timestamp=1767225600005&sign=w9c3lF00zz7%2FbnWnj3j91OK7G83EV6jBgpUp%2BTOIJaQ%3D',
    );
    expect(JSON.parse(request.body)).toEqual({ msgtype: 'text', text: { content: renderAlertSummary(message, 'en', 'text').text } });
    expect(JSON.parse(build(ROBOTS[0]!, 'zh-CN', 'markdown').body)).toEqual({
      msgtype: 'markdown',
      markdown: { title: '[P8] 个人信息批量导出', text: renderAlertSummary(message, 'zh-CN', 'markdown').text },
    });
  });

  it('DingTalk: a "+" left unencoded arrives as a space and fails', () => {
    const request = build(ROBOTS[0]!);
    const raw = request.url.replace('%2B', '+');
    expect(verify(ROBOTS[0]!, asReceived(request, { url: raw }))).toEqual({ accepted: false, reason: 'signature-mismatch' });
  });

  it('Feishu: timestamp (seconds, string) and sign in the body; markdown is an interactive card with a link button', () => {
    const text = JSON.parse(build(ROBOTS[1]!, 'en', 'text').body);
    expect(text).toEqual({
      timestamp: '1767225600',
      sign: '+O/t8xQIQMWSvTBZyknDY29EsHsGDkn69jEmEuuS2Fs=',
      msg_type: 'text',
      content: { text: renderAlertSummary(message, 'en', 'text').text },
    });
    const card = JSON.parse(build(ROBOTS[1]!, 'zh-CN', 'markdown').body);
    expect(card.msg_type).toBe('interactive');
    expect(card.card.header).toEqual({ template: 'red', title: { tag: 'plain_text', content: 'Castellan 告警：[P8] 个人信息批量导出' } });
    expect(card.card.elements[1].actions[0]).toEqual({
      tag: 'button',
      type: 'primary',
      text: { tag: 'plain_text', content: '在 Castellan 中查看' },
      url: LINK,
    });
  });

  it('WeCom: the key is set on the send endpoint, body text or markdown content', () => {
    const request = build(ROBOTS[2]!, 'en', 'markdown');
    expect(request.url).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa');
    expect(JSON.parse(request.body)).toEqual({ msgtype: 'markdown', markdown: { content: renderAlertSummary(message, 'en', 'markdown').text } });
  });

  describe.each(ROBOTS)('$name', (robot) => {
    it.each(FORMATS)('accepts the built %s %s request', (locale, format) => {
      const verdict = verify(robot, build(robot, locale, format));
      expect(verdict.accepted).toBe(true);
      if (verdict.accepted) expect(verdict.content).toContain(locale === 'en' ? 'Priority' : '优先级');
    });

    it('refuses the wrong secret', () => {
      expect(verify(robot, build(robot), at(5), `${robot.secret}x`)).toEqual({
        accepted: false,
        reason: robot.freshFor ? 'signature-mismatch' : 'wrong-token',
      });
    });

    it('refuses a body that is not JSON, or not of a documented shape, or not declared JSON', () => {
      const request = build(robot);
      expect(verify(robot, asReceived(request, { body: `${request.body.slice(0, -1)}` }))).toEqual({ accepted: false, reason: 'not-json' });
      const reshaped = { ...JSON.parse(request.body), msgtype: 'voice', msg_type: 'voice' };
      expect(verify(robot, asReceived(request, { body: JSON.stringify(reshaped) }))).toEqual({ accepted: false, reason: 'bad-body' });
      expect(verify(robot, asReceived(request, { headers: { 'content-type': 'text/plain' } }))).toEqual({ accepted: false, reason: 'not-json' });
      expect(verify(robot, asReceived(request, { headers: { 'content-type': 'application/json; charset=gbk' } }))).toEqual({
        accepted: false,
        reason: 'not-json',
      });
    });

    it('refuses another method or endpoint', () => {
      const request = build(robot);
      expect(verify(robot, asReceived(request, { method: 'GET' }))).toEqual({ accepted: false, reason: 'wrong-method' });
      const url = new URL(request.url);
      url.pathname = `${url.pathname}x`;
      expect(verify(robot, asReceived(request, { url: url.href }))).toEqual({ accepted: false, reason: 'wrong-endpoint' });
    });

    it.runIf(robot.freshFor !== undefined)('accepts a signature exactly one hour old and refuses it a second later', () => {
      const request = build(robot, 'en', 'text', () => NOW);
      expect(verify(robot, request, at(robot.freshFor!)).accepted).toBe(true);
      expect(verify(robot, request, at(robot.freshFor! + 1000))).toEqual({ accepted: false, reason: 'stale-timestamp' });
      expect(verify(robot, request, at(-robot.freshFor! - 1000))).toEqual({ accepted: false, reason: 'stale-timestamp' });
    });

    it('never names a secret in a builder error', () => {
      const insecure = robot.webhookUrl.replace('https:', 'http:');
      const attempt = () => robot.build({ webhookUrl: insecure, secret: robot.secret, message, locale: 'en', format: 'text', clock: () => NOW });
      expect(attempt).toThrow(/must use https/);
      try {
        attempt();
      } catch (error) {
        for (const secret of [robot.secret, 'tok123', '0f1e2d3c-aaaa-bbbb-cccc-123456789abc']) expect((error as Error).message).not.toContain(secret);
      }
    });
  });

  it('DingTalk: a changed timestamp breaks the sign', () => {
    const request = build(ROBOTS[0]!);
    expect(verify(ROBOTS[0]!, asReceived(request, { url: request.url.replace('timestamp=1767225600005', 'timestamp=1767225600006') }))).toEqual({
      accepted: false,
      reason: 'signature-mismatch',
    });
  });

  it('Feishu: a changed timestamp breaks the sign; a millisecond or numeric timestamp is malformed', () => {
    const request = build(ROBOTS[1]!);
    const body = JSON.parse(request.body);
    const withTimestamp = (timestamp: unknown) => asReceived(request, { body: JSON.stringify({ ...body, timestamp }) });
    expect(verify(ROBOTS[1]!, withTimestamp('1767225601'))).toEqual({ accepted: false, reason: 'signature-mismatch' });
    expect(verify(ROBOTS[1]!, withTimestamp('1767225600005'))).toEqual({ accepted: false, reason: 'malformed-timestamp' });
    expect(verify(ROBOTS[1]!, withTimestamp(1767225600))).toEqual({ accepted: false, reason: 'malformed-timestamp' });
  });

  // Size limits, at the documented boundary. "汉" is 3 bytes of UTF-8.
  it.each([
    ['WeCom text, 2048 bytes', 2, { msgtype: 'text', text: { content: `${'汉'.repeat(682)}ab` } }, true],
    ['WeCom text, 2049 bytes', 2, { msgtype: 'text', text: { content: '汉'.repeat(683) } }, false],
    ['WeCom markdown, 4096 bytes', 2, { msgtype: 'markdown', markdown: { content: `${'汉'.repeat(1365)}a` } }, true],
    ['WeCom markdown, 4097 bytes', 2, { msgtype: 'markdown', markdown: { content: `${'汉'.repeat(1365)}ab` } }, false],
    ['DingTalk text, 5000 characters', 0, { msgtype: 'text', text: { content: '汉'.repeat(5000) } }, true],
    ['DingTalk text, 5001 characters', 0, { msgtype: 'text', text: { content: '汉'.repeat(5001) } }, false],
    ['Feishu body over 20 000 bytes', 1, { msg_type: 'text', content: { text: 'a'.repeat(20_000) } }, false],
  ])('%s', (_name, index, payload, accepted) => {
    const robot = ROBOTS[index]!;
    const request = build(robot, 'en', 'text');
    const signed = robot.name === 'Feishu' ? { timestamp: JSON.parse(request.body).timestamp, sign: JSON.parse(request.body).sign } : {};
    const verdict = verify(robot, asReceived(request, { body: JSON.stringify({ ...signed, ...payload }) }));
    expect(verdict.accepted ? true : verdict.reason).toBe(accepted ? true : 'content-too-large');
  });
});

describe('retry schedule', () => {
  it.each([
    [1, 0.5, 500],
    [2, 0.5, 1000],
    [3, 0.5, 2000],
    [7, 0.5, 32_000],
    [10, 0.5, 150_000], // 1 s · 2^9 = 512 s, capped at 300 s
    [30, 0.999, 299_700],
    [4, 0, 0],
  ])('attempt %i with random %f waits %i ms', (attempt, r, expected) => {
    expect(backoffDelayMs(attempt, DEFAULT_RETRY_POLICY, () => r)).toBe(expected);
  });

  it('stays within [0, min(max, base · 2^(n-1))) for any random draw', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let attempt = 1; attempt <= 20; attempt++) {
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelayMs(attempt, DEFAULT_RETRY_POLICY, random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(300_000, 1000 * 2 ** (attempt - 1)));
      }
    }
    expect(backoffDelayMs(1, DEFAULT_RETRY_POLICY, () => 1)).toBe(999);
  });

  it.each([
    ['120', 120_000],
    ['0', 0],
    ['Thu, 01 Jan 2026 00:02:00 GMT', 120_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    [undefined, undefined],
  ])('Retry-After %s means %s ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  const json = (body: unknown) => JSON.stringify(body);
  it.each<[DeliveryPlatform, number, Record<string, string>, string | undefined, ReturnType<typeof classifyDeliveryResponse>]>([
    ['webhook', 204, {}, undefined, { kind: 'delivered' }],
    ['webhook', 500, {}, undefined, { kind: 'retry', reason: 'HTTP 500' }],
    ['webhook', 503, { 'Retry-After': '30' }, undefined, { kind: 'retry', reason: 'HTTP 503', retryAfterMs: 30_000 }],
    ['webhook', 429, { 'retry-after': 'Thu, 01 Jan 2026 00:01:00 GMT' }, undefined, { kind: 'retry', reason: 'HTTP 429', retryAfterMs: 60_000 }],
    ['webhook', 408, {}, undefined, { kind: 'retry', reason: 'HTTP 408' }],
    ['webhook', 400, {}, undefined, { kind: 'give-up', reason: 'HTTP 400' }],
    ['webhook', 401, {}, undefined, { kind: 'give-up', reason: 'HTTP 401' }],
    ['webhook', 404, {}, undefined, { kind: 'give-up', reason: 'HTTP 404' }],
    ['webhook', 410, {}, undefined, { kind: 'give-up', reason: 'HTTP 410' }],
    ['webhook', 301, {}, undefined, { kind: 'give-up', reason: 'HTTP 301' }],
    ['dingtalk', 200, {}, json({ errcode: 0, errmsg: 'ok' }), { kind: 'delivered' }],
    [
      'dingtalk',
      200,
      {},
      json({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }),
      { kind: 'retry', reason: 'dingtalk code 130101', retryAfterMs: 600_000 },
    ],
    ['dingtalk', 200, {}, json({ errcode: -1, errmsg: '系统繁忙' }), { kind: 'retry', reason: 'dingtalk code -1' }],
    ['dingtalk', 200, {}, json({ errcode: 310000, errmsg: 'sign not match' }), { kind: 'give-up', reason: 'dingtalk code 310000' }],
    ['dingtalk', 200, {}, '<html>busy</html>', { kind: 'retry', reason: 'dingtalk answered without a readable JSON body' }],
    ['dingtalk', 502, {}, 'bad gateway', { kind: 'retry', reason: 'HTTP 502' }],
    ['feishu', 200, {}, json({ code: 0, msg: 'success', data: {} }), { kind: 'delivered' }],
    ['feishu', 200, {}, json({ Extra: null, StatusCode: 0, StatusMessage: 'success' }), { kind: 'delivered' }],
    ['feishu', 200, {}, json({ code: 11232, msg: 'frequency limited' }), { kind: 'retry', reason: 'feishu code 11232' }],
    [
      'feishu',
      400,
      { 'x-ogw-ratelimit-reset': '52' },
      json({ code: 99991400, msg: 'request trigger frequency limit' }),
      { kind: 'retry', reason: 'feishu code 99991400', retryAfterMs: 52_000 },
    ],
    ['feishu', 429, { 'x-ogw-ratelimit-reset': '7' }, json({ code: 99991400 }), { kind: 'retry', reason: 'HTTP 429', retryAfterMs: 7000 }],
    ['feishu', 200, {}, json({ code: 9499, msg: 'Bad Request', data: {} }), { kind: 'give-up', reason: 'feishu code 9499' }],
    [
      'feishu',
      200,
      {},
      json({ code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' }),
      { kind: 'give-up', reason: 'feishu code 19021' },
    ],
    ['feishu', 400, {}, json({ code: 9499, msg: 'Bad Request' }), { kind: 'give-up', reason: 'feishu code 9499' }],
    ['feishu', 200, {}, json({ data: {} }), { kind: 'retry', reason: 'feishu answered without a result code' }],
    ['wecom', 200, {}, json({ errcode: 0, errmsg: 'ok' }), { kind: 'delivered' }],
    [
      'wecom',
      200,
      {},
      json({ errcode: 45009, errmsg: 'api freq out of limit, from ip: 203.0.113.7' }),
      { kind: 'retry', reason: 'wecom code 45009', retryAfterMs: 60_000 },
    ],
    ['wecom', 200, {}, json({ errcode: -1, errmsg: '系统繁忙' }), { kind: 'retry', reason: 'wecom code -1' }],
    ['wecom', 200, {}, json({ errcode: 93000, errmsg: 'invalid webhook url' }), { kind: 'give-up', reason: 'wecom code 93000' }],
    ['wecom', 200, {}, json({ errcode: 40058, errmsg: 'markdown.content exceed max length 4096' }), { kind: 'give-up', reason: 'wecom code 40058' }],
  ])('%s HTTP %i %j %s', (platform, status, headers, body, expected) => {
    expect(classifyDeliveryResponse(platform, { status, headers, ...(body === undefined ? {} : { body }) }, NOW)).toEqual(expected);
  });

  it.each([
    ['ECONNRESET', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { kind: 'retry', reason: 'network ECONNRESET' }],
    [
      'fetch failed',
      new TypeError('fetch failed', { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }),
      { kind: 'retry', reason: 'network UND_ERR_CONNECT_TIMEOUT' },
    ],
    ['abort', new DOMException('The operation was aborted', 'AbortError'), { kind: 'retry', reason: 'timed out' }],
    ['expired certificate', new TypeError('fetch failed', { cause: { code: 'CERT_HAS_EXPIRED' } }), { kind: 'give-up', reason: 'TLS CERT_HAS_EXPIRED' }],
    ['programming error', new RangeError('bad'), { kind: 'give-up', reason: 'unexpected error' }],
  ])('transport error: %s', (_name, error, expected) => {
    expect(classifyTransportError(error)).toEqual(expected);
  });

  it.each([
    ['delivered', 1, { kind: 'delivered' } as const, { action: 'done' }],
    ['final', 1, { kind: 'give-up', reason: 'HTTP 404' } as const, { action: 'give-up', reason: 'HTTP 404' }],
    ['retry, attempt 3', 3, { kind: 'retry', reason: 'HTTP 500' } as const, { action: 'retry', delayMs: 2000 }],
    [
      'Retry-After above the back-off',
      1,
      { kind: 'retry', reason: 'dingtalk code 130101', retryAfterMs: 600_000 } as const,
      { action: 'retry', delayMs: 600_000 },
    ],
    ['back-off above the Retry-After', 7, { kind: 'retry', reason: 'HTTP 429', retryAfterMs: 1000 } as const, { action: 'retry', delayMs: 32_000 }],
    [
      'asked to wait too long',
      1,
      { kind: 'retry', reason: 'HTTP 429', retryAfterMs: 3_600_000 } as const,
      { action: 'give-up', reason: 'HTTP 429, asked to wait longer than 900000 ms' },
    ],
    ['out of attempts', 8, { kind: 'retry', reason: 'HTTP 500' } as const, { action: 'give-up', reason: 'HTTP 500, after 8 attempts' }],
  ])('next step: %s', (_name, attempt, outcome, expected) => {
    expect(nextStep(attempt, outcome, DEFAULT_RETRY_POLICY, () => 0.5)).toEqual(expected);
  });
});

describe('against a local receiver over HTTP', () => {
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  it.each(ROBOTS)('$name: the receiver verifies what was sent and its answer classifies as delivered or final', async (robot) => {
    const platform = robot.name.toLowerCase() as DeliveryPlatform;
    const local = { ...robot, webhookUrl: '' };
    const server = createServer(async (req, res) => {
      const verdict = local.verify({
        request: { method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body: await readBody(req) },
        webhookUrl: local.webhookUrl,
        secret: robot.secret,
        now: new Date(),
      });
      // Answer in the platform's own shape: HTTP 200, the result in the body.
      const failure = platform === 'feishu' ? { code: 19021, msg: 'sign match fail' } : { errcode: platform === 'wecom' ? 93000 : 310000, errmsg: 'refused' };
      const success = platform === 'feishu' ? { code: 0, msg: 'success', data: {} } : { errcode: 0, errmsg: 'ok' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verdict.accepted ? success : failure));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const remote = new URL(robot.webhookUrl);
      local.webhookUrl = `http://127.0.0.1:${port}${remote.pathname}${remote.search}`;
      const send = async (secret: string) => {
        const request = robot.build({ webhookUrl: local.webhookUrl, secret, message, locale: 'zh-CN', format: 'markdown', clock: () => new Date() });
        const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
        return classifyDeliveryResponse(platform, { status: response.status, body: await response.text() }, new Date());
      };
      expect(await send(robot.secret)).toEqual({ kind: 'delivered' });
      expect(await send(`${robot.secret}-wrong`)).toMatchObject({ kind: 'give-up' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
