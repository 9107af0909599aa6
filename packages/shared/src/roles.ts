import type { CatalogueObject, OwnedObject } from './catalogue/index.js';
import { domainGrants } from './grants/index.js';
import { crudPermissions, type Permission } from './permissions.js';

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
  'auditor',
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

/** Objects whose field rules a role may name: every catalogue object with personal fields. */
export type FieldRuleObject = CatalogueObject;

export interface RoleDefinition {
  readonly key: RoleKey;
  readonly administrator: boolean;
  readonly permissions: readonly Permission[];
  /** Record scope per owned object; an owned object without an entry is not visible at all. */
  readonly scope: Readonly<Partial<Record<OwnedObject, RecordScope>>>;
  /**
   * Field rules for personal fields, per catalogue object (`contacts`, `users` for the staff
   * directory, and every later object with personal fields); a personal field not listed is
   * `hidden`. One's own staff profile is always readable.
   */
  readonly fields: Readonly<Partial<Record<FieldRuleObject, Readonly<Record<string, FieldAccess>>>>>;
}

/** What a business domain adds to the default roles (`grants/<domain>.ts`): merged into `defaultRoles`. */
export type DomainGrants = Readonly<
  Partial<
    Record<RoleKey, { readonly permissions?: readonly Permission[]; readonly scope?: RoleDefinition['scope']; readonly fields?: RoleDefinition['fields'] }>
  >
>;

/** The base roles with every domain's grants added (permissions united, scope and field rules merged). */
export function withGrants(base: Readonly<Record<RoleKey, RoleDefinition>>, domains: readonly DomainGrants[]): Readonly<Record<RoleKey, RoleDefinition>> {
  const out: Record<RoleKey, RoleDefinition> = { ...base };
  for (const grants of domains) {
    for (const [key, grant] of Object.entries(grants) as [RoleKey, NonNullable<DomainGrants[RoleKey]>][]) {
      const role = out[key];
      out[key] = {
        ...role,
        permissions: [...new Set([...role.permissions, ...(grant.permissions ?? [])])],
        scope: { ...role.scope, ...grant.scope },
        fields: { ...role.fields, ...grant.fields },
      };
    }
  }
  return out;
}

const crud = crudPermissions;
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

const baseRoles: Readonly<Record<RoleKey, RoleDefinition>> = {
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
    permissions: ['users.read', 'roles.assign', 'sessions.manage', 'reviews.decide', 'tokens.manage', 'keys.manage', 'compliance.read'],
    scope: {},
    fields: { users: staffReadable },
  },
  audit_admin: {
    key: 'audit_admin',
    administrator: true,
    permissions: ['audit.read', 'audit.personal', 'compliance.read', 'compliance.report'],
    scope: {},
    fields: { users: { email: 'masked', name: 'masked' } },
  },
  /**
   * An internal or external auditor: reads the compliance checks and downloads the signed report —
   * counts, role names and ids, never a personal value. No administrator duty (it holds neither
   * audit.read nor anything on users, keys or roles), so it breaks no 三员分立 rule; `administrator`
   * gives it the short idle timeout and makes its second factor mandatory.
   */
  auditor: {
    key: 'auditor',
    administrator: true,
    permissions: ['compliance.read', 'compliance.report'],
    scope: {},
    fields: {},
  },
  privacy_officer: {
    key: 'privacy_officer',
    administrator: false,
    permissions: [
      'contacts.read',
      'contacts.reveal',
      'contacts.export',
      'accounts.read',
      'accounts.export',
      'audit.personal',
      'subjects.access',
      'subjects.erase',
      'subjects.restrict',
      'compliance.read',
      'compliance.report',
    ],
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

/** The default roles of a new installation: the base roles above plus every domain's grants. */
export const defaultRoles: Readonly<Record<RoleKey, RoleDefinition>> = withGrants(baseRoles, domainGrants);
