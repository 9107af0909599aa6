import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type AlertMessage, alertMessageToJson, type DeliveryRequest, headerValue, parseDeliveryUrl, type ReceivedRequest } from './alert-message.js';

/**
 * Castellan's own signed webhook, in the manner of Stripe and Svix.
 *
 * Each delivery is a `POST` with a JSON body and three headers:
 *
 *   X-Castellan-Event-Id:  evt-…          the same on every retry of one event: dedupe on it
 *   X-Castellan-Timestamp: 1767225600     Unix seconds when this attempt was signed
 *   X-Castellan-Signature: v1=<hex>       HMAC-SHA256(secret, timestamp + "." + raw body), lowercase hex
 *
 * To verify (what `verifyCastellanWebhook` does):
 *   1. Read the raw body as received — before any JSON parsing, which may change the bytes.
 *   2. Build `timestamp + "." + body` and compute the HMAC-SHA256 with your endpoint secret.
 *   3. Compare it in constant time with each `v1=` value of the signature header (during a secret
 *      rotation the header lists one per secret, space-separated: `v1=<old> v1=<new>`); unknown
 *      schemes are ignored, so a later `v2=` does not break a v1 receiver.
 *   4. Refuse a timestamp more than 300 s (by default) from your clock, either way: that bounds
 *      replay of a captured request. A retry is signed afresh, so it is never stale.
 *   5. Answer 2xx quickly, then process; remember event ids you have handled, because a delivery
 *      whose answer was lost is sent again with the same event id.
 *
 * The body holds an `AlertMessage` only: no personal value. The secret never appears in an error.
 */
export const CASTELLAN_EVENT_ID_HEADER = 'x-castellan-event-id';
export const CASTELLAN_TIMESTAMP_HEADER = 'x-castellan-timestamp';
export const CASTELLAN_SIGNATURE_HEADER = 'x-castellan-signature';
/** How far a timestamp may be from the receiver's clock, either way (Stripe's and Svix's default). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** The v1 signature: lowercase hex HMAC-SHA256 keyed by the secret over `timestamp + "." + body`. */
export function castellanSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** Equality of two secrets or signatures whose timing reveals nothing, even their lengths (both are hashed first). */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

const asList = (secrets: string | readonly string[]): readonly string[] => (typeof secrets === 'string' ? [secrets] : secrets);

/** The three signature headers for one attempt; several secrets sign side by side during a rotation. */
export function castellanSignatureHeaders(input: { secrets: string | readonly string[]; eventId: string; body: string; now: Date }): Record<string, string> {
  const secrets = asList(input.secrets);
  if (secrets.length === 0 || secrets.some((s) => s.length < 16)) throw new Error('webhook signing needs at least one secret of 16 characters or more');
  if (!EVENT_ID.test(input.eventId)) throw new Error('the webhook event id must be 1–128 characters of A–Z, a–z, 0–9, . _ : -');
  const timestamp = String(Math.floor(input.now.getTime() / 1000));
  return {
    [CASTELLAN_EVENT_ID_HEADER]: input.eventId,
    [CASTELLAN_TIMESTAMP_HEADER]: timestamp,
    [CASTELLAN_SIGNATURE_HEADER]: secrets.map((secret) => `v1=${castellanSignature(secret, timestamp, input.body)}`).join(' '),
  };
}

/** The JSON body of a Castellan alert webhook. */
export function castellanWebhookBody(eventId: string, message: AlertMessage): string {
  return JSON.stringify({ id: eventId, type: 'monitor.alert', data: alertMessageToJson(message) });
}

/** A signed webhook request for one attempt; call it again for each retry (same event id, fresh timestamp). */
export function buildCastellanWebhookRequest(input: {
  url: string;
  secrets: string | readonly string[];
  eventId: string;
  message: AlertMessage;
  clock: () => Date;
}): DeliveryRequest {
  const url = parseDeliveryUrl(input.url, 'the webhook URL');
  const body = castellanWebhookBody(input.eventId, input.message);
  const headers = castellanSignatureHeaders({ secrets: input.secrets, eventId: input.eventId, body, now: input.clock() });
  return {
    method: 'POST',
    url: url.href,
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Castellan-Webhook/1', ...headers },
    body,
  };
}

/** What a receiver concluded. */
export type CastellanWebhookVerification =
  | { ok: true; eventId: string; timestamp: number }
  | { ok: false; reason: 'missing-header' | 'malformed-timestamp' | 'stale-timestamp' | 'no-v1-signature' | 'signature-mismatch' };

/** Verifies a received webhook: signature in constant time against any accepted secret, then the tolerance window. */
export function verifyCastellanWebhook(input: {
  request: Pick<ReceivedRequest, 'headers' | 'body'>;
  secrets: string | readonly string[];
  now: Date;
  toleranceSeconds?: number;
}): CastellanWebhookVerification {
  const eventId = headerValue(input.request.headers, CASTELLAN_EVENT_ID_HEADER);
  const timestamp = headerValue(input.request.headers, CASTELLAN_TIMESTAMP_HEADER);
  const signature = headerValue(input.request.headers, CASTELLAN_SIGNATURE_HEADER);
  if (!eventId || !timestamp || !signature) return { ok: false, reason: 'missing-header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed-timestamp' };
  const candidates = signature
    .split(/[\s,]+/)
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3))
    .filter((hex) => HEX_SHA256.test(hex));
  if (candidates.length === 0) return { ok: false, reason: 'no-v1-signature' };
  const matches = asList(input.secrets).some((secret) => {
    const expected = Buffer.from(castellanSignature(secret, timestamp, input.request.body), 'hex');
    return candidates.some((hex) => timingSafeEqual(expected, Buffer.from(hex, 'hex')));
  });
  if (!matches) return { ok: false, reason: 'signature-mismatch' };
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale-timestamp' };
  return { ok: true, eventId, timestamp: Number(timestamp) };
}
