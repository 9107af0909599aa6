/**
 * The API refuses a role edit (or a grant) that breaks 等保 三员分立 with a 422 whose details are its
 * reasons, one per problem (packages/server/src/platform/authz/separation-of-duties.ts). This turns
 * them into facts the screen can say in the person's language. The browser decides nothing: it only
 * reads the API's reasons; one it does not recognise is shown as the API wrote it.
 */
export type Duty = 'system' | 'security' | 'audit';

export type SeparationReason =
  | { kind: 'two_duties'; who: 'role' | 'user'; userId?: string; duties: Duty[] }
  | { kind: 'duty_and_personal_data'; who: 'role' | 'user'; userId?: string; duties: Duty[]; permissions: string[] }
  | { kind: 'duty_and_audit_personal'; who: 'role' | 'user'; userId?: string; duties: Duty[] }
  | { kind: 'other'; text: string };

const duties = (text: string): Duty[] => text.split(/\s+and\s+/).filter((d): d is Duty => d === 'system' || d === 'security' || d === 'audit');

const patterns: { re: RegExp; build: (m: RegExpMatchArray, who: 'role' | 'user', userId?: string) => SeparationReason }[] = [
  {
    re: /may not combine the ([a-z ]+?) administrator duty with audit\.personal/g,
    build: (m, who, userId) => ({ kind: 'duty_and_audit_personal', who, userId, duties: duties(m[1] ?? '') }),
  },
  {
    re: /may not combine the ([a-z ]+?) administrator duties/g,
    build: (m, who, userId) => ({ kind: 'two_duties', who, userId, duties: duties(m[1] ?? '') }),
  },
  {
    re: /may not combine the ([a-z ]+?) administrator duty with a permission on personal data \(([^;)]*)/g,
    build: (m, who, userId) => ({
      kind: 'duty_and_personal_data',
      who,
      userId,
      duties: duties(m[1] ?? ''),
      permissions: (m[2] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    }),
  },
];

/** One reason string of the API → what it says (several when a holder's line names several problems). */
export function parseReason(text: string): SeparationReason[] {
  const holder = /^user ([0-9a-f-]{36}):/.exec(text);
  const who = holder || /one user may not/.test(text) ? 'user' : 'role';
  const found: { at: number; reason: SeparationReason }[] = [];
  for (const { re, build } of patterns) {
    for (const m of text.matchAll(re)) found.push({ at: m.index ?? 0, reason: build(m, who, holder?.[1]) });
  }
  if (!found.length) return [{ kind: 'other', text }];
  return found.sort((a, b) => a.at - b.at).map((f) => f.reason);
}

/** The reasons of a refusal: its details when they are strings, else its message. */
export function separationReasons(details: unknown, message: string): SeparationReason[] {
  const lines = Array.isArray(details) && details.every((d) => typeof d === 'string') && details.length ? (details as string[]) : [message];
  return lines.flatMap(parseReason);
}

/** Whether a refusal is about 三员分立 at all (other refusals are shown as they are). */
export const isSeparationRefusal = (message: string, details: unknown): boolean =>
  /三员分立/.test(message) || (Array.isArray(details) && details.some((d) => typeof d === 'string' && /三员分立/.test(d)));
