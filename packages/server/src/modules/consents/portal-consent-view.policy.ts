import { type ConsentChannel, type ConsentPurpose, campaignPurposes, consentChannels } from '@castellan/shared';
import { type ConsentEntry, decidingConsent } from './consent-validity.policy.js';

/** A current notice as the portal shows it (public text, both languages). */
export interface PortalNotice {
  id: string;
  purpose: ConsentPurpose;
  version: number;
  titleZh: string;
  titleEn: string;
  textZh: string;
  textEn: string;
}

/** One line of the person's consents: a purpose by one channel (or `any`) and where it stands. */
export interface PortalConsentRow {
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  /** `granted`: a grant in effect and not expired; `withdrawn`: the latest entry is a withdrawal; `none`: no entry (or an expired grant). */
  state: 'granted' | 'withdrawn' | 'none';
  /** When the deciding entry was recorded (null: none). */
  since: string | null;
  /** The notice the person would consent under now (null: no notice, so it can only be withdrawn). */
  noticeId: string | null;
}

export interface PortalDecision {
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  status: 'granted' | 'withdrawn';
}

const isCampaignPurpose = (p: string) => (campaignPurposes as readonly string[]).includes(p);

/** The channels a purpose is decided by: one per channel for campaign purposes, `any` for the others. */
export const channelsOf = (purpose: ConsentPurpose): readonly ConsentChannel[] => (isCampaignPurpose(purpose) ? consentChannels : ['any']);

/**
 * The lines the portal shows: every purpose with a current notice (per channel for campaign purposes),
 * and every purpose and channel the person has an entry for. For several people with one address
 * (a shared family mailbox) the latest entry of any of them decides the line.
 */
export function portalConsentRows(notices: readonly PortalNotice[], entries: readonly ConsentEntry[], now: Date): PortalConsentRow[] {
  const noticeOf = new Map(notices.map((n) => [n.purpose, n.id]));
  const keys = new Map<string, { purpose: ConsentPurpose; channel: ConsentChannel }>();
  for (const n of notices) for (const channel of channelsOf(n.purpose)) keys.set(`${n.purpose}/${channel}`, { purpose: n.purpose, channel });
  for (const e of entries) keys.set(`${e.purpose}/${e.channel}`, { purpose: e.purpose as ConsentPurpose, channel: e.channel as ConsentChannel });
  const rows: PortalConsentRow[] = [];
  for (const { purpose, channel } of keys.values()) {
    const deciding = decidingConsent(entries, { purpose, channel, now });
    const lapsed = deciding?.status === 'granted' && deciding.expiresAt !== null && Date.parse(deciding.expiresAt) <= now.getTime();
    rows.push({
      purpose,
      channel,
      state: !deciding || lapsed ? 'none' : deciding.status === 'granted' ? 'granted' : 'withdrawn',
      since: deciding?.at ?? null,
      noticeId: noticeOf.get(purpose) ?? null,
    });
  }
  return rows;
}

/**
 * What is wrong with a set of decisions, before anything is recorded (null: nothing). A grant needs
 * the purpose's current notice (the person consents to the text shown); a channel must fit the
 * purpose; one line may be decided once per submission.
 */
export function decisionProblem(decisions: readonly PortalDecision[], notices: readonly PortalNotice[]): string | null {
  if (decisions.length === 0) return 'nothing to record: name at least one decision';
  const seen = new Set<string>();
  for (const d of decisions) {
    const key = `${d.purpose}/${d.channel}`;
    if (seen.has(key)) return `${key} is decided twice`;
    seen.add(key);
    if (!channelsOf(d.purpose).includes(d.channel)) return `${d.purpose} is not decided by the channel ${d.channel}`;
    if (d.status === 'granted' && !notices.some((n) => n.purpose === d.purpose))
      return `${d.purpose} has no privacy notice yet: it can be withdrawn but not given`;
  }
  return null;
}
