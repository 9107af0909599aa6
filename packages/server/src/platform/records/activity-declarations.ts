import { campaignPurposes, consentPurposes, type LawfulBasis } from '@castellan/shared';

/**
 * What the catalogue cannot say about a processing activity: why the organisation does it (purpose,
 * both languages), whose data it is (categories of data subjects), on which lawful basis (GDPR Art. 6
 * / PIPL Art. 13), and whether it takes automated decisions (PIPL Arts. 24, 55(2)). The fields, their
 * classification, PI category and protection come from the catalogue itself. One entry per catalogue
 * object that holds personal data; a test fails when an object is missing here, and the generated
 * record shows an undeclared object as such rather than leaving it out.
 */
export interface ActivityDeclaration {
  purpose: { en: string; zh: string };
  subjects: readonly DataSubjectCategory[];
  lawfulBases: readonly LawfulBasis[];
  /** Processing that evaluates people automatically (profiling audiences). */
  automatedDecision?: boolean;
  /** Objects whose personal fields this activity also uses (a campaign reads its audience's contacts). */
  uses?: readonly string[];
  /** The consent purposes (consent ledger) this activity records or relies on. */
  consentPurposes?: readonly string[];
}

export const dataSubjectCategories = ['customer_contacts', 'subscribers', 'viewers', 'minors', 'staff', 'requesters'] as const;
export type DataSubjectCategory = (typeof dataSubjectCategories)[number];

export const activityDeclarations: Readonly<Record<string, ActivityDeclaration>> = {
  contacts: {
    purpose: { en: 'Managing business contacts of advertisers, agencies, licensees and partners', zh: '管理广告主、代理、被许可方及合作方的业务联系人' },
    subjects: ['customer_contacts', 'minors'],
    lawfulBases: ['contract', 'legitimate_interests'],
  },
  households: {
    purpose: { en: 'Providing broadcast service at a household address', zh: '向家庭地址提供广播电视服务' },
    subjects: ['subscribers'],
    lawfulBases: ['contract'],
  },
  users: {
    purpose: { en: 'Staff accounts: sign-in, access control and accountability', zh: '员工账户：登录、访问控制与问责' },
    subjects: ['staff'],
    lawfulBases: ['hr_management', 'legal_obligation'],
  },
  deals: {
    purpose: { en: 'Advertising sales pipeline', zh: '广告销售商机管理' },
    subjects: ['customer_contacts'],
    lawfulBases: ['contract', 'legitimate_interests'],
  },
  activities: {
    purpose: { en: 'Recording calls, meetings and tasks with customers', zh: '记录与客户的通话、会议和任务' },
    subjects: ['customer_contacts', 'subscribers'],
    lawfulBases: ['contract', 'legitimate_interests'],
  },
  cases: {
    purpose: { en: 'Customer service cases and complaints', zh: '客户服务工单与投诉处理' },
    subjects: ['customer_contacts', 'subscribers', 'viewers'],
    lawfulBases: ['contract', 'legal_obligation'],
  },
  consents: {
    purpose: { en: 'Recording consents and their withdrawal (proof of consent)', zh: '记录同意及撤回（同意证明）' },
    subjects: ['customer_contacts', 'subscribers', 'viewers', 'minors'],
    lawfulBases: ['legal_obligation'],
    consentPurposes,
  },
  campaigns: {
    purpose: { en: 'Marketing campaigns to people who consented, audiences selected by profile', zh: '向已同意者开展营销活动，按画像选择受众' },
    subjects: ['customer_contacts', 'subscribers', 'viewers'],
    lawfulBases: ['consent'],
    automatedDecision: true,
    uses: ['contacts'],
    consentPurposes: campaignPurposes,
  },
  billing_accounts: {
    purpose: { en: 'Billing subscribers for broadcast service', zh: '向用户收取广播电视服务费用' },
    subjects: ['subscribers'],
    lawfulBases: ['contract'],
  },
  subscription_history: {
    purpose: { en: 'Subscription lifecycle history (activation, suspension, cancellation)', zh: '订购生命周期记录（开通、暂停、取消）' },
    subjects: ['subscribers'],
    lawfulBases: ['contract', 'legal_obligation'],
  },
  devices: {
    purpose: { en: 'Set-top boxes and smart cards issued to subscribers', zh: '向用户发放的机顶盒与智能卡管理' },
    subjects: ['subscribers'],
    lawfulBases: ['contract'],
  },
  privacy_requests: {
    purpose: { en: "Answering data subjects' requests (access, erasure, objection …)", zh: '处理个人信息主体的权利请求（查阅、删除、反对等）' },
    subjects: ['requesters'],
    lawfulBases: ['legal_obligation'],
  },
};
