import type { Kernel } from '../kernel.js';

/**
 * Who a request from the public portal is assigned to first: the longest-serving active privacy
 * officer, or else the first active system administrator (someone must own every case). Ids only.
 */
export async function privacyDeskOwner(kernel: Kernel): Promise<string | null> {
  for (const role of ['privacy_officer', 'system_admin']) {
    const row = await kernel.db.kysely
      .selectFrom('users')
      .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
      .select('users.id')
      .where('user_roles.role_key', '=', role)
      .where('users.status', '=', 'active')
      .orderBy('users.id')
      .limit(1)
      .executeTakeFirst();
    if (row) return row.id;
  }
  return null;
}

/** The data subject a contact's personal values are sealed under (an id only), or null for no such contact. */
export async function subjectOfContact(kernel: Kernel, contactId: string): Promise<string | null> {
  const row = await kernel.db.kysely.selectFrom('contacts').select('subject_id').where('id', '=', contactId).executeTakeFirst();
  return row?.subject_id ?? null;
}
