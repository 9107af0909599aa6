import { z } from 'zod';
import { f, type ObjectCatalogue, type ObjectSpec, ownedFields } from './types.js';

export const accountKinds = ['advertiser', 'agency', 'brand', 'licensee', 'licensor', 'operator', 'partner', 'group'] as const;

/** Parties: natural persons (contacts: B2B contacts, subscribers, viewers) and organisations (accounts). */
export const partiesFields = {
  contacts: {
    id: ownedFields.id,
    name: f('name', 'personal', 'identity', 'Full name of the person', { blindIndex: 'name', mask: 'name' }),
    email: f('email', 'personal', 'contact_details', 'E-mail address', { blindIndex: 'email', mask: 'email' }),
    phone: f('phone', 'personal', 'contact_details', 'Phone number (E.164 when searchable)', {
      blindIndex: 'phone',
      mask: 'phone',
    }),
    idNumber: f('id_number', 'sensitive', 'government_id', 'Government ID number (PIPL Art. 28 sensitive PI)', {
      blindIndex: 'id_number',
      mask: 'id_number',
    }),
    birthDate: f('birth_date', 'personal', 'date_of_birth', 'Date of birth (YYYY-MM-DD)', { mask: 'date' }),
    address: f('address', 'personal', 'postal_address', 'Postal address', { mask: 'address' }),
    wechatId: f('wechat_id', 'personal', 'contact_details', 'WeChat ID (微信号)', { mask: 'text' }),
    jobTitle: f('job_title', 'personal', 'employment', 'Job title at the account', { mask: 'text' }),
    accountId: f('account_id', 'internal', 'relationship', 'Account (company) the person belongs to', { type: 'id', references: 'accounts' }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  accounts: {
    id: ownedFields.id,
    name: f('name', 'internal', 'none', 'Company or organisation name', { required: true, input: z.string().trim().min(1).max(200) }),
    kind: f('kind', 'internal', 'none', 'advertiser, agency, brand, licensee, licensor, operator, partner, group', {
      required: true,
      input: z.enum(accountKinds),
    }),
    industry: f('industry', 'internal', 'none', 'Industry', { input: z.string().trim().max(100) }),
    website: f('website', 'public', 'none', 'Public web site', { input: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(500) }),
    country: f('country', 'internal', 'none', 'ISO 3166-1 alpha-2 country code', {
      input: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
    }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const partiesObjects = {
  contacts: { ownership: 'owned', subject: 'own', plural: 'contacts', label: 'contact', actions: ['reveal', 'export'] },
  accounts: { ownership: 'owned', plural: 'accounts', label: 'account', actions: ['export'] },
} as const satisfies Record<string, ObjectSpec>;
