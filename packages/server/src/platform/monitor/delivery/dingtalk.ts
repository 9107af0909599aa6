import { createHmac } from 'node:crypto';
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
 * 钉钉 (DingTalk) custom group robot, security setting 加签 (signed URL).
 *
 * Documented (自定义机器人安全设置; the official page is open.dingtalk.com/document/robots/customize-robot-security-settings,
 * read here through its mirror https://apifox.com/apidoc/docs-site/467052/doc-3550006 and the copy at
 * https://www.mihaoyun.com/wordpress/?p=391):
 * - string to sign = timestamp + "\n" + secret; HmacSHA256 keyed by the secret (the `SEC…` string shown under
 *   加签); Base64; then urlEncode; UTF-8 throughout.
 * - timestamp is in milliseconds and "与请求调用时间误差不能超过1小时" — may differ from the time of the call by
 *   at most one hour.
 * - both are appended to the webhook: `https://oapi.dingtalk.com/robot/send?access_token=XXXXXX&timestamp=XXX&sign=XXX`.
 * - the POST must be UTF-8 JSON; text is `{"msgtype":"text","text":{"content":…}}`, markdown is
 *   `{"msgtype":"markdown","markdown":{"title":…,"text":…}}` (https://open.dingtalk.com/document/group/custom-robot-access,
 *   copied at https://blog.csdn.net/lxw1844912514/article/details/125780346).
 * - at most 20 messages a minute per robot, else throttled for 10 minutes (same page).
 *
 * Where the samples differ: the Python sample encodes with `quote_plus`, the Java one with `URLEncoder.encode`; for a
 * Base64 value both give the same bytes (`+`→%2B, `/`→%2F, `=`→%3D), which is what URLSearchParams writes here. A
 * `+` left unencoded reaches the server as a space, so the sign then fails about one time in two.
 *
 * We never send the `at` block: DingTalk mentions people by phone number (atMobiles), a personal value.
 * If the robot uses 自定义关键词 instead, "Castellan" (in every heading) is the keyword to configure.
 */
export const DINGTALK_TIMESTAMP_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * The custom-robot pages state no content limit. DingTalk's global error 34016 (message too long, for the chat
 * message API: content ≤ 5000, title ≤ 64 — https://blog.csdn.net/weixin_40514790/article/details/104249446) is the
 * closest documented bound, so we hold robot messages to it.
 */
export const DINGTALK_MAX_CONTENT_CHARS = 5000;
export const DINGTALK_MAX_TITLE_CHARS = 64;

/** The 加签 signature, Base64 (not yet URL-encoded): HMAC-SHA256 keyed by the secret over `timestamp + "\n" + secret`. */
export function dingTalkSign(timestampMs: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

const chars = (s: string) => [...s].length;

/** The signed request for one attempt (sign again for every retry: the timestamp must be fresh). */
export function buildDingTalkRequest(input: RobotRequestInput): DeliveryRequest {
  const url = parseDeliveryUrl(input.webhookUrl, 'the DingTalk webhook URL');
  if (!url.searchParams.get('access_token')) throw new Error('the DingTalk webhook URL has no access_token');
  if (!input.secret) throw new Error('DingTalk 加签 needs the robot secret');
  const timestamp = String(input.clock().getTime());
  // set() replaces a timestamp/sign left in the configured URL rather than appending a second pair.
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('sign', dingTalkSign(timestamp, input.secret));
  const summary = renderAlertSummary(input.message, input.locale, input.format);
  if (chars(summary.text) > DINGTALK_MAX_CONTENT_CHARS) throw new Error('the DingTalk message is longer than DingTalk accepts');
  // The title is only the notification preview: shorten it rather than refuse.
  const title = chars(summary.title) > DINGTALK_MAX_TITLE_CHARS ? `${[...summary.title].slice(0, DINGTALK_MAX_TITLE_CHARS - 1).join('')}…` : summary.title;
  const body =
    input.format === 'markdown' ? { msgtype: 'markdown', markdown: { title, text: summary.text } } : { msgtype: 'text', text: { content: summary.text } };
  return { method: 'POST', url: url.href, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

/** The local receiver's check, as DingTalk documents it: endpoint and token, 加签 within one hour, UTF-8 JSON of a known shape. */
export function verifyDingTalkRequest({ request, webhookUrl, secret, now }: RobotVerifyInput): RobotVerdict {
  if (request.method !== 'POST') return { accepted: false, reason: 'wrong-method' };
  const expected = new URL(webhookUrl);
  const got = new URL(request.url, expected.origin);
  if (got.pathname !== expected.pathname) return { accepted: false, reason: 'wrong-endpoint' };
  if (!constantTimeEqual(got.searchParams.get('access_token') ?? '', expected.searchParams.get('access_token') ?? '')) {
    return { accepted: false, reason: 'wrong-token' };
  }
  // URLSearchParams decodes %2B to "+" and a bare "+" to a space, as the platform does.
  const timestamp = got.searchParams.get('timestamp');
  const sign = got.searchParams.get('sign');
  if (!timestamp || !sign) return { accepted: false, reason: 'missing-signature' };
  if (!/^\d{13}$/.test(timestamp)) return { accepted: false, reason: 'malformed-timestamp' };
  if (!constantTimeEqual(sign, dingTalkSign(timestamp, secret))) return { accepted: false, reason: 'signature-mismatch' };
  if (Math.abs(now.getTime() - Number(timestamp)) > DINGTALK_TIMESTAMP_TOLERANCE_MS) return { accepted: false, reason: 'stale-timestamp' };
  const body = readJsonBody(request);
  if (!body) return { accepted: false, reason: 'not-json' };
  if (body.msgtype === 'text') {
    const content = stringAt(body, 'text', 'content');
    if (!content) return { accepted: false, reason: 'bad-body' };
    if (chars(content) > DINGTALK_MAX_CONTENT_CHARS) return { accepted: false, reason: 'content-too-large' };
    return { accepted: true, msgType: 'text', content };
  }
  if (body.msgtype === 'markdown') {
    const title = stringAt(body, 'markdown', 'title');
    const text = stringAt(body, 'markdown', 'text');
    if (!title || !text) return { accepted: false, reason: 'bad-body' };
    if (chars(text) > DINGTALK_MAX_CONTENT_CHARS || chars(title) > DINGTALK_MAX_TITLE_CHARS) return { accepted: false, reason: 'content-too-large' };
    return { accepted: true, msgType: 'markdown', content: text };
  }
  return { accepted: false, reason: 'bad-body' };
}
