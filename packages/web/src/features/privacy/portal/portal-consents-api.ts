import { request } from '../../../api/client';

export interface PortalNotice {
  id: string;
  purpose: string;
  version: number;
  titleZh: string;
  titleEn: string;
  textZh: string;
  textEn: string;
}

export interface PortalConsentLine {
  purpose: string;
  channel: string;
  state: 'granted' | 'withdrawn' | 'none';
  since: string | null;
  noticeId: string | null;
}

export interface PortalConsentView {
  notices: PortalNotice[];
  consents: PortalConsentLine[];
  optedOutOfSaleShare: boolean;
  gpcSignal: boolean;
}

export interface ConsentSession {
  session: string;
  sessionKey: string;
}

/** The portal's consent calls: public, no cookie needed; the session key goes in the body, never in a URL. */
export const portalConsents = {
  open: (email: string) => request<{ session: string }>('POST', '/api/v1/portal/consent-sessions', { body: { email } }, { interrupts: false }),
  verify: (session: string, code: string) =>
    request<{ sessionKey: string; expiresAt: string }>('POST', '/api/v1/portal/consent-sessions/verify', { body: { session, code } }, { interrupts: false }),
  view: (s: ConsentSession) => request<PortalConsentView>('POST', '/api/v1/portal/consent-sessions/consents', { body: s }, { interrupts: false }),
  decide: (s: ConsentSession, decision: { purpose: string; channel: string; status: 'granted' | 'withdrawn' }) =>
    request<PortalConsentView>('POST', '/api/v1/portal/consent-sessions/decisions', { body: { ...s, decisions: [decision] } }, { interrupts: false }),
};

/** The browser's Global Privacy Control setting (navigator.globalPrivacyControl; Chromium has none unless configured). */
export const browserSendsGpc = (): boolean => (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
