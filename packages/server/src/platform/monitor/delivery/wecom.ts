import {
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
 * 企业微信 (WeCom) group robot (群机器人, now called 消息推送).
 *
 * Documented (群机器人配置说明, https://developer.work.weixin.qq.com/document/path/91770, stored as
 * https://work.weixin.qq.com/api/doc/90000/90136/91770):
 * - `POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`, JSON, content UTF-8. There is no signature:
 *   the key is the secret ("一定要保护好机器人的webhook地址"), so this file treats the key as one and never prints it.
 * - text: `{"msgtype":"text","text":{"content":…}}`, "最长不超过2048个字节".
 * - markdown: `{"msgtype":"markdown","markdown":{"content":…}}`, "最长不超过4096个字节" (the platform answers errcode
 *   40058 "markdown.content exceed max length 4096", e.g. https://github.com/dromara/domain-admin/issues/82).
 * - at most 20 messages a minute per robot (https://hexdocs.pm/wechat_sdk/WeChat.Work.ChatRobot.html quotes the page).
 *
 * Limits are in bytes of UTF-8: a Chinese character takes three. We never send `mentioned_mobile_list` (phone numbers).
 * The page speaks of "key" in the URL only; no clock is used, and no timestamp is checked, because none is documented.
 */
export const WECOM_MAX_TEXT_BYTES = 2048;
export const WECOM_MAX_MARKDOWN_BYTES = 4096;
export const WECOM_SEND_PATH = '/cgi-bin/webhook/send';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The request for one attempt: the webhook endpoint with `key` set to the secret, and a text or markdown body. */
export function buildWeComRequest(input: RobotRequestInput): DeliveryRequest {
  const url = parseDeliveryUrl(input.webhookUrl, 'the WeCom webhook URL');
  if (url.pathname !== WECOM_SEND_PATH) throw new Error(`the WeCom webhook URL must end in ${WECOM_SEND_PATH}`);
  if (!input.secret) throw new Error('the WeCom robot needs its webhook key');
  url.searchParams.set('key', input.secret);
  const { text } = renderAlertSummary(input.message, input.locale, input.format);
  const limit = input.format === 'markdown' ? WECOM_MAX_MARKDOWN_BYTES : WECOM_MAX_TEXT_BYTES;
  if (bytes(text) > limit) throw new Error(`the WeCom ${input.format} content is over ${limit} bytes`);
  const body = input.format === 'markdown' ? { msgtype: 'markdown', markdown: { content: text } } : { msgtype: 'text', text: { content: text } };
  return { method: 'POST', url: url.href, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

/** The local receiver's check, as WeCom documents it: endpoint, key, JSON of a known shape within the byte limits. */
export function verifyWeComRequest({ request, webhookUrl, secret }: RobotVerifyInput): RobotVerdict {
  if (request.method !== 'POST') return { accepted: false, reason: 'wrong-method' };
  const expected = new URL(webhookUrl);
  const got = new URL(request.url, expected.origin);
  if (got.pathname !== WECOM_SEND_PATH) return { accepted: false, reason: 'wrong-endpoint' };
  if (!constantTimeEqual(got.searchParams.get('key') ?? '', secret)) return { accepted: false, reason: 'wrong-token' };
  const body = readJsonBody(request);
  if (!body) return { accepted: false, reason: 'not-json' };
  const kind = body.msgtype;
  if (kind !== 'text' && kind !== 'markdown') return { accepted: false, reason: 'bad-body' };
  const content = stringAt(body, kind, 'content');
  if (!content) return { accepted: false, reason: 'bad-body' };
  if (bytes(content) > (kind === 'markdown' ? WECOM_MAX_MARKDOWN_BYTES : WECOM_MAX_TEXT_BYTES)) return { accepted: false, reason: 'content-too-large' };
  return { accepted: true, msgType: kind, content };
}
