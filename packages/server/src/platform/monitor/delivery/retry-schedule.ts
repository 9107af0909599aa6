import { headerValue, type ReceivedRequest } from './alert-message.js';

/**
 * When to try an alert delivery again, and when to stop.
 *
 * Back-off is exponential with full jitter — delay = random(0, min(maxDelay, base · 2^(attempt−1))) — so that many
 * deliveries failing together do not retry together (AWS Architecture Blog, "Exponential Backoff And Jitter").
 * A Retry-After the server sent (RFC 9110 §10.2.3: delta-seconds or an HTTP-date) is a floor under that delay.
 *
 * Plain HTTP: 2xx delivered; 408, 429 and 5xx retried; other 4xx final (the request itself is wrong); 3xx final
 * (redirects are not followed: a webhook that moves must be reconfigured). Network errors are retried, TLS
 * certificate errors are final.
 *
 * The group robots answer HTTP 200 for most failures and put the reason in the JSON body:
 * - DingTalk `errcode`: 0 ok; 130101 "send too fast, exceed 20 times per minute", throttled 10 minutes
 *   (https://blog.csdn.net/jialiuyang/article/details/118615052; the 10 minutes are in the custom-robot guide);
 *   -1 系统繁忙, "建议稍后再重试1次,最多重试3次" (global codes, https://blog.csdn.net/weixin_38171468/article/details/106051120);
 *   310000 sign not match / keyword / IP whitelist and the rest are final.
 * - Feishu `code` (older bots answer `StatusCode` instead, https://github.com/AliyunContainerService/kube-eventer/issues/154):
 *   0 ok; 11232 frequency limit (custom bot guide); 99991400 "request trigger frequency limit", HTTP 429 or 400 with
 *   `x-ogw-ratelimit-reset` seconds (https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control);
 *   9499 "Bad Request" — body malformed or over 20 KB — and 19021 sign/timestamp are final. (The brief named 9499 a
 *   frequency limit; the guide, as copied at http://gantiao.com.cn/post/18861410.html, lists it for a bad body.)
 * - WeCom `errcode`: 0 ok; 45009 "api freq out of limit" (20 a minute per robot); -1 系统繁忙 retried;
 *   93000 invalid webhook url, 40058 content too long and the rest are final
 *   (https://github.com/zema1/watchvuln/issues/146, https://github.com/dromara/domain-admin/issues/82).
 * An error message from a platform is never copied into the outcome: it can carry hints and our egress IP.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** Cap of the jittered back-off. */
  maxDelayMs: number;
  /** A server asking to wait longer than this is taken as a refusal. */
  maxRetryAfterMs: number;
}

/** 8 attempts, jittered back-off capped at 1, 2, 4 … 64 s (about two minutes in all); a Retry-After of up to 15 minutes — DingTalk's 10-minute throttle — is waited out. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 5 * 60_000, maxRetryAfterMs: 15 * 60_000 };

/** The platform that answered. */
export type DeliveryPlatform = 'webhook' | 'dingtalk' | 'feishu' | 'wecom';

/** What one attempt's answer means. */
export type DeliveryOutcome = { kind: 'delivered' } | { kind: 'retry'; reason: string; retryAfterMs?: number } | { kind: 'give-up'; reason: string };

/** What the next step is after an attempt. */
export type NextStep = { action: 'done' } | { action: 'retry'; delayMs: number } | { action: 'give-up'; reason: string };

/** An HTTP answer as the transport saw it. */
export interface DeliveryResponse {
  status: number;
  headers?: ReceivedRequest['headers'];
  body?: string;
}

/** The full-jitter back-off before attempt `attempt + 1`, given `attempt` attempts made (1 after the first). */
export function backoffDelayMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(Math.min(Math.max(random(), 0), 1 - Number.EPSILON) * ceiling);
}

/** Retry-After in milliseconds from `now`: delta-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Classifies the HTTP status alone. */
export function classifyHttpStatus(response: DeliveryResponse, now: Date): DeliveryOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) {
    const headers = response.headers ?? {};
    const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), now) ?? parseRetryAfter(headerValue(headers, 'x-ogw-ratelimit-reset'), now);
    return { kind: 'retry', reason: `HTTP ${status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { kind: 'give-up', reason: `HTTP ${status}` };
}

const DINGTALK_THROTTLE_MS = 10 * 60_000;
const ONE_MINUTE_MS = 60_000;

/** Per platform: codes to retry (with an optional wait), everything else but success is final. */
const RETRYABLE_CODES: Record<Exclude<DeliveryPlatform, 'webhook'>, Record<number, number | undefined>> = {
  dingtalk: { 130101: DINGTALK_THROTTLE_MS, [-1]: undefined },
  feishu: { 11232: undefined, 99991400: undefined },
  wecom: { 45009: ONE_MINUTE_MS, [-1]: undefined },
};

const platformCode = (platform: Exclude<DeliveryPlatform, 'webhook'>, body: Record<string, unknown>): unknown =>
  platform === 'feishu' ? (body.code ?? body.StatusCode) : body.errcode;

/** Classifies one answer: HTTP status first, then the JSON code the robots put in a 200 answer. */
export function classifyDeliveryResponse(platform: DeliveryPlatform, response: DeliveryResponse, now: Date): DeliveryOutcome {
  const byStatus = classifyHttpStatus(response, now);
  // Feishu's frequency limit may come as HTTP 400 with code 99991400: read the body before giving up on a 400.
  const readBody = byStatus.kind === 'delivered' || (platform === 'feishu' && response.status === 400);
  if (platform === 'webhook' || !readBody) return byStatus;
  let body: unknown;
  try {
    body = JSON.parse(response.body ?? '');
  } catch {
    return byStatus.kind === 'delivered' ? { kind: 'retry', reason: `${platform} answered without a readable JSON body` } : byStatus;
  }
  const code = body !== null && typeof body === 'object' ? platformCode(platform, body as Record<string, unknown>) : undefined;
  if (typeof code !== 'number') return byStatus.kind === 'delivered' ? { kind: 'retry', reason: `${platform} answered without a result code` } : byStatus;
  if (code === 0) return byStatus.kind === 'delivered' ? { kind: 'delivered' } : byStatus;
  const retryable = RETRYABLE_CODES[platform];
  if (!Object.hasOwn(retryable, code)) return { kind: 'give-up', reason: `${platform} code ${code}` };
  const header = parseRetryAfter(headerValue(response.headers ?? {}, 'x-ogw-ratelimit-reset'), now);
  const retryAfterMs = header ?? retryable[code];
  return { kind: 'retry', reason: `${platform} code ${code}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const TLS_CODES = /^(CERT_|ERR_TLS_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/;

/** Classifies a failure before any answer: network errors retry (fetch wraps them in `cause`), TLS errors are final. */
export function classifyTransportError(error: unknown): DeliveryOutcome {
  for (let at: unknown = error, depth = 0; at && typeof at === 'object' && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    const { code, name } = at as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && TLS_CODES.test(code)) return { kind: 'give-up', reason: `TLS ${code}` };
    if (typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code)) return { kind: 'retry', reason: `network ${code}` };
    if (name === 'AbortError' || name === 'TimeoutError') return { kind: 'retry', reason: 'timed out' };
  }
  return { kind: 'give-up', reason: 'unexpected error' };
}

/** The step after `attempt` attempts (1 after the first) ended in `outcome`. */
export function nextStep(attempt: number, outcome: DeliveryOutcome, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random: () => number = Math.random): NextStep {
  if (outcome.kind === 'delivered') return { action: 'done' };
  if (outcome.kind === 'give-up') return { action: 'give-up', reason: outcome.reason };
  if (attempt >= policy.maxAttempts) return { action: 'give-up', reason: `${outcome.reason}, after ${attempt} attempts` };
  if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > policy.maxRetryAfterMs) {
    return { action: 'give-up', reason: `${outcome.reason}, asked to wait longer than ${policy.maxRetryAfterMs} ms` };
  }
  return { action: 'retry', delayMs: Math.max(backoffDelayMs(attempt, policy, random), outcome.retryAfterMs ?? 0) };
}
