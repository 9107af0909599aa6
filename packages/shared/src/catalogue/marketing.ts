import { z } from 'zod';
import { partiesFields } from './parties.js';
import { contactRef, f, type FieldSpec, isProtected, type ObjectCatalogue, type ObjectSpec, ownedFields, staffText } from './types.js';

/**
 * Marketing: the consent ledger (who agreed to what, by which channel, when, from which source) and
 * campaigns whose audience only ever holds people with a valid consent for the campaign's purpose
 * and channel. The ledger is append-only: a withdrawal is a new entry, never an edit, so the privacy
 * issue's full ledger (legal basis, text version, DSAR) extends these rows instead of replacing them.
 */
export const consentPurposes = ['marketing', 'newsletter', 'research', 'profiling'] as const;
export const consentChannels = ['sms', 'email', 'phone', 'wechat', 'post'] as const;
export const consentStatuses = ['granted', 'withdrawn'] as const;
export const consentSources = ['web_form', 'paper', 'call', 'import'] as const;
export const consentGivers = ['subject', 'guardian'] as const;
export const campaignStatuses = ['draft', 'active', 'completed', 'cancelled'] as const;

export type ConsentPurpose = (typeof consentPurposes)[number];
export type ConsentChannel = (typeof consentChannels)[number];

/** Contact fields a campaign may filter on: the plain (non-personal) ones a person is written with. */
export const campaignFilterFields = Object.entries(partiesFields.contacts as ObjectCatalogue)
  .filter(([name, spec]: [string, FieldSpec]) => !isProtected(spec) && name !== 'id' && spec.type !== 'datetime')
  .map(([name]) => name);

const filterValue = z.union([z.string().max(100), z.number(), z.boolean(), z.null()]);
/** A campaign's filters: exact values of plain contact fields, kept as JSON text. */
export const campaignFiltersInput = z
  .string()
  .max(2000)
  .refine(
    (text) => {
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
        return Object.entries(parsed).every(([name, value]) => campaignFilterFields.includes(name) && filterValue.safeParse(value).success);
      } catch {
        return false;
      }
    },
    `must be a JSON object of exact values of plain contact fields (${campaignFilterFields.join(', ')})`,
  )
  .describe('JSON object of exact values of plain contact fields, e.g. {"accountId":"…"}; personal fields cannot be filtered on');

export const marketingFields = {
  consents: {
    id: ownedFields.id,
    contactId: contactRef('contact_id', 'The person the consent is about', { required: true }),
    purpose: f('purpose', 'internal', 'none', 'marketing, newsletter, research or profiling', { required: true, input: z.enum(consentPurposes) }),
    channel: f('channel', 'internal', 'none', 'sms, email, phone, wechat or post', { required: true, input: z.enum(consentChannels) }),
    status: f('status', 'internal', 'none', 'granted or withdrawn: the latest entry per person × purpose × channel counts', {
      required: true,
      input: z.enum(consentStatuses),
    }),
    at: f('at', 'internal', 'none', 'When the consent was given or withdrawn (default: now)', { type: 'datetime' }),
    expiresAt: f('expires_at', 'internal', 'none', 'When a granted consent lapses (optional)', { type: 'datetime' }),
    source: f('source', 'internal', 'none', 'web_form, paper, call or import', { required: true, input: z.enum(consentSources) }),
    givenBy: f('given_by', 'internal', 'none', 'subject, or guardian for a minor (PIPL Art. 31)', { input: z.enum(consentGivers), default: 'subject' }),
    evidence: staffText('evidence', 'Evidence (form reference, call notes; free text)', {
      input: z.string().trim().min(1).max(2000),
    }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  campaigns: {
    id: ownedFields.id,
    name: f('name', 'internal', 'none', 'Campaign name', { required: true, input: z.string().trim().min(1).max(200) }),
    purpose: f('purpose', 'internal', 'none', 'The consent purpose the audience needs', { required: true, input: z.enum(consentPurposes) }),
    channel: f('channel', 'internal', 'none', 'The consent channel the audience needs', { required: true, input: z.enum(consentChannels) }),
    filters: f('filters', 'internal', 'none', 'Audience filters over plain contact fields (JSON object)', { input: campaignFiltersInput, default: '{}' }),
    status: f('status', 'internal', 'none', 'draft, active, completed or cancelled', { input: z.enum(campaignStatuses), default: 'draft' }),
    startDate: f('start_date', 'internal', 'none', 'First day (YYYY-MM-DD)', { type: 'date' }),
    endDate: f('end_date', 'internal', 'none', 'Last day (YYYY-MM-DD)', { type: 'date' }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const marketingObjects = {
  consents: { ownership: 'owned', subject: { via: 'contactId' }, plural: 'consents', label: 'consent' },
  campaigns: { ownership: 'owned', plural: 'campaigns', label: 'campaign', actions: ['audience', 'export'] },
} as const satisfies Record<string, ObjectSpec>;
