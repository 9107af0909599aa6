import { nonceSource } from '../crypto/nonce-pool.js';

const randomId = nonceSource(16);

/** The last timestamp and 12-bit counter handed out by this process (RFC 9562 §6.2, method 1). */
let lastMs = 0;
let counter = 0;

/**
 * UUIDv7 (RFC 9562): time-ordered, so ids sort by creation and make a stable cursor. Within one
 * millisecond (or if the clock steps back) the 12 bits after the version count up from a random start
 * below 2048, so the ids of one process are strictly increasing: two history entries written in the
 * same millisecond still list in the order they were made.
 */
export function newId(now = Date.now()): string {
  const bytes = randomId();
  if (now > lastMs) {
    lastMs = now;
    counter = (((bytes[6] ?? 0) << 8) | (bytes[7] ?? 0)) & 0x7ff;
  } else {
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
  }
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const isId = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(value);

export const nowIso = (): string => new Date().toISOString();
