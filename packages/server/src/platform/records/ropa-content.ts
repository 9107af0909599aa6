import type { PipiaContent, RopaContent } from '@castellan/shared';
import { type Catalogue, catalogueFingerprint } from './catalogue-fingerprint.js';
import { type PipiaTrigger, triggerArticles, triggersOf } from './pipia-requirements.js';
import { type ProcessingActivity, processingActivities } from './processing-activities.js';

/**
 * The content of a record of processing activities (GDPR Art. 30(1): controller, purposes, categories
 * of data subjects and of personal data, recipients, transfers to third countries, erasure time limits,
 * security measures) and of a PIPIA draft (PIPL Art. 56), generated — pure — from the catalogue, the
 * transfer register and the retention rules. No generation time in the content: regenerating from
 * unchanged inputs gives the same content and the same hash, so no new version.
 */
export interface TransferRecord {
  id: string;
  recipient: string;
  country: string;
  mechanism: RopaContent['activities'][number]['recipients'][number]['mechanism'];
  categories: string[];
  activity: string;
  status: RopaContent['activities'][number]['recipients'][number]['status'];
}

export interface RecordInputs {
  catalogue: Catalogue;
  controller: { name: string; country: string; revision: number };
  transfers: readonly TransferRecord[];
  /** Retention rules per object (descriptions), or null when the retention register does not exist. */
  retention: ReadonlyMap<string, readonly string[]> | null;
}

/** The technical and organisational measures the system itself applies to every activity (Art. 30(1)(g)). */
export const securityMeasures: RopaContent['securityMeasures'] = [
  {
    en: 'Personal and sensitive fields encrypted at rest (AES-256-GCM or SM4-GCM) under a per-subject key',
    zh: '个人信息与敏感个人信息字段按主体密钥加密存储（AES-256-GCM 或 SM4-GCM）',
  },
  { en: 'Searches through keyed blind indexes; values masked unless a role may read them', zh: '通过带密钥的盲索引检索；除有权角色外一律掩码显示' },
  {
    en: 'Role-based and record-level access control, deny by default; administrator duties separated (三员分立)',
    zh: '基于角色和记录级的访问控制，默认拒绝；管理员三员分立',
  },
  { en: 'Multi-factor authentication; TLS 1.2+ in transit', zh: '多因素认证；传输采用 TLS 1.2 及以上' },
  { en: 'Tamper-evident, hash-chained audit trail with signed checkpoints, kept ≥ 184 days', zh: '防篡改哈希链审计日志及签名检查点，留存不少于 184 天' },
  { en: 'Erasure by crypto-shredding the subject key', zh: '通过销毁主体密钥实现删除（密码学擦除）' },
];

/** What PIPL Art. 56 requires the assessment to cover. */
export const assessmentQuestions: PipiaContent['questions'] = [
  {
    en: 'Are the purpose and method of processing lawful, legitimate and necessary? (Art. 56(1))',
    zh: '个人信息的处理目的、处理方式等是否合法、正当、必要（第五十六条第一项）',
  },
  {
    en: "What is the impact on individuals' rights and interests, and what are the security risks? (Art. 56(2))",
    zh: '对个人权益的影响及安全风险（第五十六条第二项）',
  },
  {
    en: 'Are the protection measures lawful, effective and proportionate to the risk? (Art. 56(3))',
    zh: '所采取的保护措施是否合法、有效并与风险程度相适应（第五十六条第三项）',
  },
];

const recipientsOf = (activity: string, transfers: readonly TransferRecord[], home: string) =>
  transfers
    .filter((t) => t.activity === activity)
    .map((t) => ({
      transferId: t.id,
      recipient: t.recipient,
      country: t.country,
      crossBorder: t.country.toUpperCase() !== home.toUpperCase(),
      mechanism: t.mechanism,
      categories: [...t.categories].sort(),
      status: t.status,
    }))
    .sort((a, b) => a.transferId.localeCompare(b.transferId));

const retentionOf = (activity: ProcessingActivity, retention: RecordInputs['retention']): string[] =>
  retention ? activity.objects.flatMap((object) => retention.get(object) ?? []) : [];

export function ropaContent(inputs: RecordInputs): RopaContent {
  const home = inputs.controller.country;
  return {
    format: 'castellan.ropa/1',
    controller: { ...inputs.controller },
    activities: processingActivities(inputs.catalogue).map((a) => ({
      ...a,
      recipients: recipientsOf(a.key, inputs.transfers, home),
      retention: retentionOf(a, inputs.retention),
      pipiaTriggers: triggersOf(a, inputs.transfers, home),
    })),
    securityMeasures,
    retentionRegister: inputs.retention ? 'present' : 'absent',
    catalogueFingerprint: catalogueFingerprint(inputs.catalogue),
  };
}

/** The fingerprint an assessment of `activity` is generated from: only the objects it covers. */
export function activityFingerprint(catalogue: Catalogue, activity: string): string {
  const found = processingActivities(catalogue).find((a) => a.key === activity);
  return catalogueFingerprint(catalogue, found?.objects ?? [activity]);
}

export function pipiaDraft(inputs: RecordInputs, activity: string): PipiaContent | null {
  const found = processingActivities(inputs.catalogue).find((a) => a.key === activity);
  if (!found) return null;
  const home = inputs.controller.country;
  const triggers: PipiaTrigger[] = triggersOf(found, inputs.transfers, home);
  return {
    format: 'castellan.pipia/1',
    activity,
    purpose: found.purpose,
    triggers,
    articles: triggers.map((t) => triggerArticles[t]),
    subjects: found.subjects,
    lawfulBases: found.lawfulBases,
    fields: found.fields,
    categories: found.categories,
    consentPurposes: found.consentPurposes,
    recipients: recipientsOf(activity, inputs.transfers, home),
    questions: assessmentQuestions,
    catalogueFingerprint: catalogueFingerprint(inputs.catalogue, found.objects),
  };
}
