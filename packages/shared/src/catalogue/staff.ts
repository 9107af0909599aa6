import { f, type ObjectCatalogue, type ObjectSpec } from './types.js';

/** Staff accounts: read through the staff directory, not the protected store (they have no record scope). */
export const staffFields = {
  users: {
    id: f('id', 'internal', 'none', 'User identifier', { type: 'id', system: true }),
    email: f('email', 'personal', 'contact_details', 'Staff e-mail address (sign-in name)', {
      blindIndex: 'email',
      mask: 'email',
    }),
    name: f('name', 'personal', 'identity', 'Staff full name', { mask: 'name' }),
    teamId: f('team_id', 'internal', 'none', 'Team', { type: 'id' }),
    status: f('status', 'internal', 'none', 'active or disabled'),
    createdAt: f('created_at', 'internal', 'none', 'Creation time', { type: 'datetime', system: true }),
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const staffObjects = {
  users: { ownership: 'directory', subject: 'own', plural: 'users', label: 'user' },
} as const satisfies Record<string, ObjectSpec>;
