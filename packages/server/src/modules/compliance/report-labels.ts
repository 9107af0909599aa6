import type { CheckId, Framework } from './compliance-check.js';

/** Titles of the checks and frameworks in the report, in English and Simplified Chinese. */
export const checkTitles: Readonly<Record<CheckId, { en: string; zh: string }>> = {
  mfa_coverage: { en: 'MFA coverage of roles that read personal data', zh: '访问个人信息角色的多因素认证覆盖率' },
  encryption_coverage: { en: 'Encryption coverage of personal columns', zh: '个人信息字段加密覆盖率' },
  audit_chain: { en: 'Audit chain intact', zh: '审计日志链完整' },
  log_retention: { en: 'Audit log retention ≥ 184 days', zh: '审计日志留存不少于 184 天' },
  backup_age: { en: 'Age of the last backup', zh: '最近一次备份的时间' },
  restore_drill: { en: 'Last restore drill', zh: '最近一次恢复演练' },
  overdue_requests: { en: 'Overdue data-subject requests', zh: '逾期的个人信息权利请求' },
  consent_coverage: { en: 'Consent coverage of campaign audiences', zh: '营销活动受众的同意覆盖' },
  dormant_accounts: { en: 'Dormant accounts', zh: '休眠账户' },
  access_review: { en: 'Last access review', zh: '最近一次权限复核' },
  separation_of_duties: { en: 'Separation of administrator duties (三员分立)', zh: '三员分立' },
  tls_settings: { en: 'TLS settings', zh: 'TLS 配置' },
  training_coverage: { en: 'Security training coverage', zh: '安全培训覆盖率' },
  admin_password_policy: { en: 'Administrator password policy', zh: '管理员口令策略' },
  key_rotation: { en: 'Age of the field data key', zh: '字段数据密钥的使用时长' },
  pipia_current: { en: 'Impact assessments current (PIPIA)', zh: '个人信息保护影响评估有效' },
  transfer_register: { en: 'Transfer register complete', zh: '个人信息出境登记完整' },
  ropa_current: { en: 'Record of processing activities current', zh: '个人信息处理活动记录为最新' },
  retention_rules: { en: 'Retention rules cover personal data and run on schedule', zh: '保存期限规则覆盖个人信息并按计划执行' },
};

export const frameworkNames: Readonly<Record<Framework, { en: string; zh: string }>> = {
  GDPR: { en: 'GDPR (EU 2016/679)', zh: '欧盟《通用数据保护条例》' },
  CCPA: { en: 'CCPA / CPRA (Cal. Civ. Code §1798.100 ff.)', zh: '《加州消费者隐私法》' },
  PIPL: { en: 'PIPL (Personal Information Protection Law)', zh: '《个人信息保护法》' },
  CSL: { en: 'Cybersecurity Law of the PRC', zh: '《网络安全法》' },
  MLPS3: { en: 'MLPS 2.0 level 3 (GB/T 22239-2019)', zh: '等保 2.0 三级（GB/T 22239-2019）' },
};

export const statusNames = { passing: { en: 'passing', zh: '通过' }, failing: { en: 'failing', zh: '未通过' } } as const;
