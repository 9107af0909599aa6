import { z } from 'zod';
import { usccProblem } from '../validators/uscc.js';
import { contactRef, f, type ObjectCatalogue, type ObjectSpec, ownedFields } from './types.js';

export const accountKinds = ['advertiser', 'agency', 'brand', 'licensee', 'licensor', 'operator', 'partner', 'group'] as const;

const uscc = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .superRefine((v, ctx) => {
    const problem = usccProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a 统一社会信用代码 (USCC): ${problem}` });
  });
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * Parties: natural persons (contacts: B2B contacts, subscribers, viewers; households group them at a
 * service address) and organisations (accounts, with their hierarchy, agency ↔ advertiser links and
 * the brands of advertisers). (contacts: B2B contacts, subscribers, viewers) and organisations (accounts). */
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
    isMinor: f('is_minor', 'internal', 'minor', 'Under 14 (PIPL Arts. 28, 31), derived from the encrypted birth date at every write', {
      type: 'boolean',
      system: true,
    }),
    guardianId: contactRef('guardian_id', 'Guardian contact (required while the person is under 14)'),
    householdId: f('household_id', 'internal', 'relationship', 'Household (service address) the person belongs to', {
      type: 'id',
      references: 'households',
    }),
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
    uscc: f('uscc', 'internal', 'none', '统一社会信用代码 (GB 32100-2015, check character validated; unique)', { input: uscc }),
    creditLimit: f('credit_limit', 'internal', 'none', 'Credit limit in fen', { type: 'integer', input: fen }),
    parentId: f('parent_id', 'internal', 'none', 'Parent account (group structure; no cycles)', { type: 'id', references: 'accounts' }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  agency_links: {
    id: ownedFields.id,
    agencyId: f('agency_id', 'internal', 'none', 'The agency account (kind agency)', { type: 'id', references: 'accounts', required: true }),
    advertiserId: f('advertiser_id', 'internal', 'none', 'The advertiser it represents (kind advertiser)', {
      type: 'id',
      references: 'accounts',
      required: true,
    }),
    validFrom: f('valid_from', 'internal', 'none', 'First day the agency represents the advertiser', { type: 'date', required: true }),
    validTo: f('valid_to', 'internal', 'none', 'Last day (open-ended when empty)', { type: 'date' }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  brands: {
    id: ownedFields.id,
    name: f('name', 'internal', 'none', 'Brand name (unique per advertiser)', { required: true, input: z.string().trim().min(1).max(200) }),
    advertiserId: f('advertiser_id', 'internal', 'none', 'The advertiser account owning the brand (kind advertiser)', {
      type: 'id',
      references: 'accounts',
      required: true,
    }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  households: {
    id: ownedFields.id,
    headContactId: contactRef('head_contact_id', 'Head of household (whose key seals the address)', {
      required: true,
    }),
    address: f('address', 'personal', 'postal_address', 'Service address (标准地址) where the household receives service', {
      mask: 'address',
      required: true,
      input: z.string().trim().min(1).max(500),
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
  agency_links: { ownership: 'owned', plural: 'agency-links', label: 'agency link' },
  brands: { ownership: 'owned', plural: 'brands', label: 'brand' },
  households: { ownership: 'owned', subject: { via: 'headContactId' }, plural: 'households', label: 'household' },
} as const satisfies Record<string, ObjectSpec>;
