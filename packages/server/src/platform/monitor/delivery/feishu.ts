import { createHmac } from 'node:crypto';
import {
  type AlertMessage,
  alertSummaryParts,
  type DeliveryRequest,
  parseDeliveryUrl,
  type RobotRequestInput,
  type RobotVerdict,
  type RobotVerifyInput,
  readJsonBody,
  renderAlertSummary,
  stringAt,
} from './alert-message.js';
import { constantTimeEqual } from './webhook-signature.js';

/**
 * 飞书 / Lark custom bot (自定义机器人), security setting 签名校验 (signature verification).
 *
 * Documented (自定义机器人使用指南, https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, the same page as
 * https://open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN.md):
 * - "timestamp + "\n" + 密钥 当做签名字符串, 使用 HmacSHA256 算法计算签名, 再进行 Base64 编码"; the official samples
 *   use that string as the HMAC *key* over an empty message (Python: `hmac.new(key_enc, b"", sha256)`, as copied at
 *   https://m.down10s.com/jiaocheng/5605312225.html).
 * - timestamp is in seconds, "距当前时间不超过 1 小时(3600 秒)", e.g. "1599360473"; it and `sign` go in the JSON body
 *   beside `msg_type` (https://blog.csdn.net/zhanglili1993/article/details/136473704 quotes the page). A mismatch or a
 *   stale timestamp answers code 19021 "sign match fail or timestamp is not within one hour from current time".
 * - text: `{"msg_type":"text","content":{"text":…}}`; card: `{"msg_type":"interactive","card":{header, elements}}`.
 * - "请求体的数据大小不能超过 20 KB"; 100 requests a minute and 5 a second per bot, else code 11232.
 *
 * Where sources disagree: the prose "使用 HmacSHA256 算法计算签名" reads like DingTalk's scheme (secret as key, the
 * string as message), and several third-party clients do that — Feishu then answers 19021. The official samples,
 * and this file, key the HMAC with the string itself. Some clients send the card as a JSON string; the guide's
 * examples send an object, as here. "20 KB" is not said to be 1000 or 1024 bytes; we hold bodies to 20 000.
 */
export const FEISHU_TIMESTAMP_TOLERANCE_SECONDS = 3600;
export const FEISHU_MAX_BODY_BYTES = 20_000;

const HOOK_PATH = /^\/open-apis\/bot\/v2\/hook\/[A-Za-z0-9-]+$/;

/** The signature: Base64 of HMAC-SHA256 keyed by `timestamp + "\n" + secret` over the empty message. */
export function feishuSign(timestampSeconds: string, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** Card header colour by priority. */
const template = (priority: number) => (priority >= 8 ? 'red' : priority >= 5 ? 'orange' : 'blue');

function card(message: AlertMessage, locale: RobotRequestInput['locale']) {
  const parts = alertSummaryParts(message, locale);
  return {
    config: { wide_screen_mode: true },
    header: { template: template(message.priority), title: { tag: 'plain_text', content: `${parts.heading}${parts.colon}${parts.title}` } },
    elements: [
      { tag: 'div', text: { tag: 'lark_md', content: parts.fields.map(([label, value]) => `**${label}**${parts.colon}${value}`).join('\n') } },
      { tag: 'action', actions: [{ tag: 'button', type: 'primary', text: { tag: 'plain_text', content: parts.linkLabel }, url: parts.link }] },
    ],
  };
}

/** The signed request for one attempt; 'markdown' sends an interactive card. */
export function buildFeishuRequest(input: RobotRequestInput): DeliveryRequest {
  const url = parseDeliveryUrl(input.webhookUrl, 'the Feishu webhook URL');
  if (!HOOK_PATH.test(url.pathname) || url.search) throw new Error('the Feishu webhook URL must be …/open-apis/bot/v2/hook/<token> with no query');
  if (!input.secret) throw new Error('Feishu 签名校验 needs the bot secret');
  const timestamp = String(Math.floor(input.clock().getTime() / 1000));
  const signed = { timestamp, sign: feishuSign(timestamp, input.secret) };
  const payload =
    input.format === 'markdown'
      ? { ...signed, msg_type: 'interactive', card: card(input.message, input.locale) }
      : { ...signed, msg_type: 'text', content: { text: renderAlertSummary(input.message, input.locale, 'text').text } };
  const body = JSON.stringify(payload);
  if (Buffer.byteLength(body, 'utf8') > FEISHU_MAX_BODY_BYTES) throw new Error('the Feishu request body is larger than Feishu accepts');
  return { method: 'POST', url: url.href, headers: { 'content-type': 'application/json; charset=utf-8' }, body };
}

/** The local receiver's check, as Feishu documents it: hook path, body ≤ 20 KB, signature over a timestamp within an hour, known shape. */
export function verifyFeishuRequest({ request, webhookUrl, secret, now }: RobotVerifyInput): RobotVerdict {
  if (request.method !== 'POST') return { accepted: false, reason: 'wrong-method' };
  const expected = new URL(webhookUrl);
  // The token is the last path segment: compare the whole path in constant time.
  if (!constantTimeEqual(new URL(request.url, expected.origin).pathname, expected.pathname)) return { accepted: false, reason: 'wrong-endpoint' };
  if (Buffer.byteLength(request.body, 'utf8') > FEISHU_MAX_BODY_BYTES) return { accepted: false, reason: 'content-too-large' };
  const body = readJsonBody(request);
  if (!body) return { accepted: false, reason: 'not-json' };
  const { timestamp, sign } = body;
  if (timestamp === undefined || typeof sign !== 'string' || sign === '') return { accepted: false, reason: 'missing-signature' };
  // The guide's example is a string of seconds ("1599360473"); milliseconds or a number are refused.
  if (typeof timestamp !== 'string' || !/^\d{10}$/.test(timestamp)) return { accepted: false, reason: 'malformed-timestamp' };
  if (!constantTimeEqual(sign, feishuSign(timestamp, secret))) return { accepted: false, reason: 'signature-mismatch' };
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > FEISHU_TIMESTAMP_TOLERANCE_SECONDS)
    return { accepted: false, reason: 'stale-timestamp' };
  if (body.msg_type === 'text') {
    const text = stringAt(body, 'content', 'text');
    return text ? { accepted: true, msgType: 'text', content: text } : { accepted: false, reason: 'bad-body' };
  }
  if (body.msg_type === 'interactive') {
    const elements = (body.card as { elements?: unknown } | undefined)?.elements;
    const text = stringAt(Array.isArray(elements) ? elements[0] : undefined, 'text', 'content');
    return Array.isArray(elements) && elements.length > 0
      ? { accepted: true, msgType: 'interactive', content: text ?? '' }
      : { accepted: false, reason: 'bad-body' };
  }
  return { accepted: false, reason: 'bad-body' };
}
