import type { CheckId, Control, Framework } from './compliance-check.js';

/**
 * Which controls each check gives evidence for. Identifiers: GDPR and CCPA (Cal. Civ. Code §1798 /
 * CCPA Regulations, 11 CCR §7000 ff.) articles and sections; PIPL (个人信息保护法) articles; CSL =
 * 网络安全法 articles; MLPS3 = 等保 2.0 三级, GB/T 22239-2019 level 3 requirement clauses (8.1.x).
 */
const c = (framework: Framework, ...ids: string[]): Control[] => ids.map((id) => ({ framework, id }));

export const controlsOf: Readonly<Record<CheckId, Control[]>> = {
  mfa_coverage: [
    ...c('GDPR', 'Art. 32(1)(b)'),
    ...c('PIPL', 'Art. 51(3)'),
    ...c('CSL', 'Art. 21(2)'),
    ...c('MLPS3', '8.1.4.1 d)'),
    ...c('CCPA', '§1798.150(a)(1)'),
  ],
  encryption_coverage: [
    ...c('GDPR', 'Art. 32(1)(a)', 'Art. 25(1)'),
    ...c('PIPL', 'Art. 51(3)'),
    ...c('CSL', 'Art. 21(5)', 'Art. 42'),
    ...c('MLPS3', '8.1.4.8 a)', '8.1.4.8 b)'),
    ...c('CCPA', '§1798.150(a)(1)', '§1798.81.5(b)'),
  ],
  audit_chain: [
    ...c('GDPR', 'Art. 5(2)', 'Art. 30'),
    ...c('PIPL', 'Art. 51(6)', 'Art. 54'),
    ...c('CSL', 'Art. 21(3)'),
    ...c('MLPS3', '8.1.4.3 c)', '8.1.4.3 d)'),
  ],
  log_retention: [...c('CSL', 'Art. 21(3)'), ...c('MLPS3', '8.1.4.3 c)'), ...c('PIPL', 'Art. 54'), ...c('GDPR', 'Art. 5(2)')],
  backup_age: [...c('GDPR', 'Art. 32(1)(c)'), ...c('CSL', 'Art. 21(4)'), ...c('MLPS3', '8.1.4.9 a)'), ...c('PIPL', 'Art. 51(3)')],
  restore_drill: [...c('GDPR', 'Art. 32(1)(c)', 'Art. 32(1)(d)'), ...c('CSL', 'Art. 25'), ...c('MLPS3', '8.1.4.9 a)', '8.1.10.6 c)')],
  overdue_requests: [...c('GDPR', 'Art. 12(3)'), ...c('CCPA', '§1798.130(a)(2)', '11 CCR §7021(b)'), ...c('PIPL', 'Art. 50'), ...c('CSL', 'Art. 43')],
  consent_coverage: [
    ...c('GDPR', 'Art. 6(1)(a)', 'Art. 7(1)', 'Art. 21(3)'),
    ...c('PIPL', 'Art. 13(1)', 'Art. 14', 'Art. 24'),
    ...c('CSL', 'Art. 41'),
    ...c('CCPA', '§1798.120', '§1798.135'),
  ],
  dormant_accounts: [...c('MLPS3', '8.1.4.2 c)', '8.1.4.2 d)'), ...c('CSL', 'Art. 21(2)'), ...c('GDPR', 'Art. 32(1)(b)'), ...c('PIPL', 'Art. 51(3)')],
  access_review: [...c('MLPS3', '8.1.4.2 b)', '8.1.10.2'), ...c('GDPR', 'Art. 32(1)(d)'), ...c('PIPL', 'Art. 51(3)', 'Art. 54'), ...c('CSL', 'Art. 21(1)')],
  separation_of_duties: [...c('MLPS3', '8.1.4.2 d)', '8.1.9.1'), ...c('PIPL', 'Art. 51(3)'), ...c('GDPR', 'Art. 25(2)'), ...c('CSL', 'Art. 21(1)')],
  tls_settings: [
    ...c('GDPR', 'Art. 32(1)(a)'),
    ...c('PIPL', 'Art. 51(3)'),
    ...c('CSL', 'Art. 21(5)'),
    ...c('MLPS3', '8.1.3.2 a)', '8.1.4.7 a)'),
    ...c('CCPA', '§1798.81.5(b)'),
  ],
  training_coverage: [
    ...c('GDPR', 'Art. 39(1)(b)', 'Art. 32(4)'),
    ...c('PIPL', 'Art. 51(4)'),
    ...c('CSL', 'Art. 34(2)'),
    ...c('MLPS3', '8.1.9.4'),
    ...c('CCPA', '11 CCR §7100'),
  ],
  admin_password_policy: [...c('MLPS3', '8.1.4.1 a)', '8.1.4.1 b)'), ...c('CSL', 'Art. 21(2)'), ...c('GDPR', 'Art. 32(1)(b)'), ...c('PIPL', 'Art. 51(3)')],
  key_rotation: [...c('GDPR', 'Art. 32(1)(a)'), ...c('PIPL', 'Art. 51(3)'), ...c('MLPS3', '8.1.4.8 b)'), ...c('CSL', 'Art. 21(5)')],
  pipia_current: [...c('PIPL', 'Art. 55', 'Art. 56'), ...c('GDPR', 'Art. 35(1)', 'Art. 35(11)'), ...c('CCPA', '§1798.185(a)(15)(B)')],
  transfer_register: [
    ...c('PIPL', 'Art. 38', 'Art. 39', 'Art. 55(4)'),
    ...c('GDPR', 'Art. 30(1)(e)', 'Art. 44', 'Art. 46'),
    ...c('CSL', 'Art. 37'),
    ...c('MLPS3', '8.1.4.11 b)'),
  ],
  ropa_current: [...c('GDPR', 'Art. 30(1)', 'Art. 30(4)'), ...c('PIPL', 'Art. 56'), ...c('MLPS3', '8.1.4.11 a)')],
  retention_rules: [
    ...c('GDPR', 'Art. 5(1)(e)', 'Art. 17(1)(a)'),
    ...c('PIPL', 'Art. 19', 'Art. 47(1)'),
    ...c('CCPA', '§1798.100(a)(3)'),
    ...c('MLPS3', '8.1.4.11 b)'),
  ],
};
