import type { DomainGrants } from '../roles.js';

/**
 * The records of processing: the privacy officer (个人信息保护负责人) keeps them — controller details,
 * the record of processing activities, the impact assessments and the transfer register. The auditor
 * reads them as evidence; the assessors' free-text findings stay sealed from it (personal data).
 */
export const recordsGrants: DomainGrants = {
  privacy_officer: { permissions: ['records.read', 'records.manage'] },
  auditor: { permissions: ['records.read'] },
};
