import type { Permission } from './permissions.js';

/**
 * Default roles for a broadcast company (SPEC section 1). Least privilege: administrators hold
 * no permission on customers' personal data (they see staff e-mail and names: system and security
 * administrators readable, the audit administrator masked, everyone else hidden); 等保 三员分立 — no
 * default role holds two of the three administrator duties (system, security, audit).
 */
export const roleKeys = [
  'system_admin',
  'security_admin',
  'audit_admin',
  'privacy_officer',
  'sales_manager',
  'sales_rep',
  'licensing_manager',
  'service_agent',
  'marketing',
] as const;
export type RoleKey = (typeof roleKeys)[number];

export const isRoleKey = (value: string): value is RoleKey => (roleKeys as readonly string[]).includes(value);

/** Which records of a resource a role sees: its own, its team's, or all. */
export type RecordScope = 'own' | 'team' | 'all';
/** What a role sees of a personal field. */
export type FieldAccess = 'readable' | 'masked' | 'hidden';

export interface RoleDefinition {
  readonly key: RoleKey;
  readonly administrator: boolean;
  readonly permissions: readonly Permission[];
  /** Record scope per resource; a resource without an entry is not visible at all. */
  readonly scope: Readonly<Partial<Record<'contacts' | 'accounts', RecordScope>>>;
  /**
   * Field rules for personal fields, per catalogue object (`contacts`, and `users` for the staff
   * directory); a personal field not listed is `hidden`. One's own staff profile is always readable.
   */
  readonly fields: Readonly<Partial<Record<'contacts' | 'users', Readonly<Record<string, FieldAccess>>>>>;
}

const crud = (r: 'contacts' | 'accounts'): Permission[] => [`${r}.read`, `${r}.create`, `${r}.update`, `${r}.delete`];
const allReadable = {
  name: 'readable',
  email: 'readable',
  phone: 'readable',
  birthDate: 'readable',
  address: 'readable',
  wechatId: 'readable',
  jobTitle: 'readable',
} as const;
/** Staff e-mail and name, for the administrators who run the staff directory. */
const staffReadable = { email: 'readable', name: 'readable' } as const;

export const defaultRoles: Readonly<Record<RoleKey, RoleDefinition>> = {
  system_admin: {
    key: 'system_admin',
    administrator: true,
    permissions: ['users.read', 'users.manage'],
    scope: {},
    fields: { users: staffReadable },
  },
  security_admin: {
    key: 'security_admin',
    administrator: true,
    permissions: ['users.read', 'roles.assign', 'sessions.manage', 'reviews.decide', 'tokens.manage', 'keys.manage'],
    scope: {},
    fields: { users: staffReadable },
  },
  audit_admin: {
    key: 'audit_admin',
    administrator: true,
    permissions: ['audit.read', 'audit.personal'],
    scope: {},
    fields: { users: { email: 'masked', name: 'masked' } },
  },
  privacy_officer: {
    key: 'privacy_officer',
    administrator: false,
    permissions: ['contacts.read', 'contacts.reveal', 'contacts.export', 'accounts.read', 'accounts.export', 'audit.personal'],
    scope: { contacts: 'all', accounts: 'all' },
    fields: { contacts: { ...allReadable, idNumber: 'masked' } },
  },
  sales_manager: {
    key: 'sales_manager',
    administrator: false,
    permissions: [...crud('contacts'), ...crud('accounts'), 'contacts.reveal', 'contacts.export', 'accounts.export', 'reviews.decide'],
    scope: { contacts: 'team', accounts: 'team' },
    fields: { contacts: { ...allReadable, idNumber: 'masked' } },
  },
  sales_rep: {
    key: 'sales_rep',
    administrator: false,
    permissions: ['contacts.read', 'contacts.create', 'contacts.update', 'accounts.read', 'accounts.create', 'accounts.update'],
    scope: { contacts: 'own', accounts: 'team' },
    fields: { contacts: { ...allReadable, idNumber: 'hidden', birthDate: 'masked', address: 'masked' } },
  },
  licensing_manager: {
    key: 'licensing_manager',
    administrator: false,
    permissions: ['contacts.read', 'accounts.read', 'accounts.create', 'accounts.update'],
    scope: { contacts: 'team', accounts: 'all' },
    fields: { contacts: { name: 'readable', email: 'readable', phone: 'masked', jobTitle: 'readable' } },
  },
  service_agent: {
    key: 'service_agent',
    administrator: false,
    permissions: ['contacts.read', 'contacts.update', 'contacts.reveal', 'accounts.read'],
    scope: { contacts: 'all', accounts: 'all' },
    fields: {
      contacts: { name: 'readable', email: 'masked', phone: 'masked', idNumber: 'masked', birthDate: 'masked', address: 'masked', wechatId: 'masked' },
    },
  },
  marketing: {
    key: 'marketing',
    administrator: false,
    permissions: ['contacts.read', 'accounts.read'],
    scope: { contacts: 'all', accounts: 'all' },
    fields: { contacts: { name: 'masked' } },
  },
};
