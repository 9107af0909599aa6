/** Permission names: `resource.action`. The route guard and the roles speak only these. */
export const permissions = [
  'contacts.read',
  'contacts.create',
  'contacts.update',
  'contacts.delete',
  'contacts.reveal',
  'contacts.export',
  'accounts.read',
  'accounts.create',
  'accounts.update',
  'accounts.delete',
  'accounts.export',
  'users.read',
  'users.manage',
  'roles.assign',
  'sessions.manage',
  'reviews.decide',
  'tokens.manage',
  'keys.manage',
  'audit.read',
  /** The personal details kept in audit events (reveal notes, staff IP addresses and user agents) and the per-contact access list. */
  'audit.personal',
] as const;
export type Permission = (typeof permissions)[number];

export const isPermission = (value: string): value is Permission => (permissions as readonly string[]).includes(value);
