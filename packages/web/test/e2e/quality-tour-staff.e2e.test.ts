import { roleKeys } from '@castellan/shared';
import { describeTour } from './quality-tour.helpers.js';

const elsewhere = ['system_admin', 'security_admin', 'audit_admin', 'privacy_officer', 'sales_manager', 'sales_rep'];

/**
 * The tour of every default role not toured by quality-tour-admin or quality-tour-sales (licensing,
 * service, marketing, and any role added later): every screen their sidebar shows, in both languages at
 * 1024×768.
 */
describeTour(
  'tour of the app: licensing, service and marketing staff',
  roleKeys.filter((role) => !elsewhere.includes(role)),
);
