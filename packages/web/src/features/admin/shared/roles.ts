import type { TFunction } from 'i18next';

/** The role keys in the order of docs/ROLES.md. */
export const roleOrder = [
  'system_admin',
  'security_admin',
  'audit_admin',
  'auditor',
  'privacy_officer',
  'sales_manager',
  'sales_rep',
  'licensing_manager',
  'service_agent',
  'marketing',
] as const;

export const roleLabel = (t: TFunction, key: string): string => t(`admin:roleNames.${key}`, { defaultValue: key });
