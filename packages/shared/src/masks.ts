/** Masks shown to a user whose field rule is `masked`. They never reveal more than the listed parts. */
import type { MaskKind } from './field-catalogue.js';

const stars = (n: number) => '*'.repeat(Math.max(n, 0));

/**
 * Digits kept visible of a number with `digits` digits: never more than half (rounded down), the
 * last four first (what a caller confirms), then from the start; fewer than 7 digits show none.
 */
function visibleDigits(digits: number, maxTail = 4): { head: number; tail: number } {
  if (digits < 7) return { head: 0, tail: 0 };
  const visible = Math.floor(digits / 2);
  const tail = Math.min(maxTail, visible);
  return { head: visible - tail, tail };
}

/**
 * `13800138000` → `1******8000`; `+8613800138000` → `+86*******8000`; `1234567` → `****567`.
 * At least half of the digits are always hidden, whatever the length; separators (space + - ( ) .)
 * stay in place and any other character is hidden.
 */
export function maskPhone(value: string): string {
  const chars = [...value];
  const isDigit = (c: string) => /\p{Nd}/u.test(c);
  const total = chars.filter(isDigit).length;
  const { head, tail } = visibleDigits(total);
  let seen = 0;
  return chars
    .map((c) => {
      if (!isDigit(c)) return /^[\s+\-().]$/.test(c) ? c : '*';
      seen += 1;
      return seen <= head || seen > total - tail ? c : '*';
    })
    .join('');
}

/** `alice@example.com` → `a***@example.com`. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

/** `110101199003071234` → `1101**********1234`: at most 4 + 4 characters shown, never more than half. */
export function maskIdNumber(value: string): string {
  const chars = [...value];
  if (chars.length <= 8) return stars(chars.length);
  const visible = Math.min(8, Math.floor(chars.length / 2));
  const head = Math.floor(visible / 2);
  const tail = visible - head;
  return `${chars.slice(0, head).join('')}${stars(chars.length - visible)}${chars.slice(chars.length - tail).join('')}`;
}

/** `张伟` → `张*`; `Alice Smith` → `A**** S****`. */
export function maskName(value: string): string {
  const chars = [...value];
  if (chars.some((c) => /\p{Script=Han}/u.test(c))) return `${chars[0]}${stars(chars.length - 1)}`;
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${[...part][0]}${stars([...part].length - 1)}`)
    .join(' ');
}

/** `1990-03-07` → `1990-**-**`. */
export const maskDate = (value: string): string => `${value.slice(0, 4)}-**-**`;

/** Keeps the first token (city or district) only. */
export function maskAddress(value: string): string {
  const first = value.split(/[\s,，]+/)[0] ?? '';
  return first.length < value.length ? `${first} ***` : '***';
}

/** Free text: the first character only. */
export const maskText = (value: string): string => `${[...value][0] ?? ''}***`;

export function applyMask(kind: MaskKind, value: string): string {
  switch (kind) {
    case 'phone':
      return maskPhone(value);
    case 'email':
      return maskEmail(value);
    case 'id_number':
      return maskIdNumber(value);
    case 'name':
      return maskName(value);
    case 'date':
      return maskDate(value);
    case 'address':
      return maskAddress(value);
    case 'text':
      return maskText(value);
  }
}
