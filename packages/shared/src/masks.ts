/** Masks shown to a user whose field rule is `masked`. They never reveal more than the listed parts. */
import type { MaskKind } from './field-catalogue.js';

const stars = (n: number) => '*'.repeat(Math.max(n, 0));

/** `13800138000` → `138****8000`; `+8613800138000` → `+86138****8000`. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7) return stars(value.length);
  const prefix = value.startsWith('+') ? value.slice(0, value.length - 8) : value.slice(0, 3);
  const rest = value.slice(prefix.length);
  return `${prefix}${stars(rest.length - 4)}${rest.slice(-4)}`;
}

/** `alice@example.com` → `a***@example.com`. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

/** `110101199003071234` → `1101**********1234`. */
export function maskIdNumber(value: string): string {
  if (value.length <= 8) return stars(value.length);
  return `${value.slice(0, 4)}${stars(value.length - 8)}${value.slice(-4)}`;
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
