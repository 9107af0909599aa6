import { z } from 'zod';
import { partiesFields } from './parties.js';
import { contactRef, type FieldSpec, f, isProtected, type ObjectCatalogue, type ObjectSpec, ownedFields, referenceFields, staffText } from './types.js';

/**
 * Marketing: the consent ledger (who agreed to what, by which channel, when, from which source) and
 * campaigns whose audience only ever holds people with a valid consent for the campaign's purpose
 * and channel. The ledger is append-only: a withdrawal is a new entry, never an edit, so the privacy
 * issue's full ledger (legal basis, text version, DSAR) extends these rows instead of replacing them.
 */
/** Purposes a campaign can need (its audience is drawn from the grants for one of them). */
export const campaignPurposes = ['marketing', 'newsletter', 'research', 'profiling'] as const;
/**
 * Consent kinds beyond campaigns: the opt-out of sale / sharing (CCPA; Global Privacy Control) and
 * the PIPL separate consents — sensitive PI (Art. 29), provision to a third party (Art. 23) and
 * cross-border transfer (Art. 39) — each its own ledger entry, never bundled with another purpose.
 */
export const separateConsentPurposes = ['sensitive_pi', 'third_party_provision', 'cross_border_transfer'] as const;
export const consentPurposes = [...campaignPurposes, 'sale_share', ...separateConsentPurposes] as const;
export const consentChannels = ['sms', 'email', 'phone', 'wechat', 'post'] as const;
/** A ledger entry names one channel, or `any` for a purpose that is not about a channel (sale / share, PIPL kinds). */
export const consentEntryChannels = [...consentChannels, 'any'] as const;
export const consentStatuses = ['granted', 'withdrawn'] as const;
/** `portal`: the person on the public portal; `gpc`: a Global Privacy Control signal; `reconfirmation`: the person's explicit answer to a GPC conflict. */
export const consentSources = ['web_form', 'paper', 'call', 'import', 'portal', 'gpc', 'reconfirmation'] as const;
export const consentGivers = ['subject', 'guardian'] as const;
/** Lawful bases: GDPR Art. 6(1)(a)–(f) and the further PIPL Art. 13 bases (HR management, public health emergency, news reporting, self-disclosed information, other laws). */
export const lawfulBases = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
  'hr_management',
  'public_health_emergency',
  'news_reporting',
  'disclosed_information',
  'other_legal_provision',
] as const;
export const gpcConflictStatuses = ['open', 'opt_out_confirmed', 'opt_in_kept'] as const;
export const gpcOutcomes = ['confirm_opt_out', 'keep_opt_in'] as const;
export const campaignStatuses = ['draft', 'active', 'completed', 'cancelled'] as const;

export type ConsentPurpose = (typeof consentPurposes)[number];
export type ConsentChannel = (typeof consentEntryChannels)[number];
export type LawfulBasis = (typeof lawfulBases)[number];

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
    purpose: f('purpose', 'internal', 'none', `One of ${consentPurposes.join(', ')} (PIPL separate consents are their own purposes)`, {
      required: true,
      input: z.enum(consentPurposes),
    }),
    channel: f('channel', 'internal', 'none', 'sms, email, phone, wechat, post, or any (sale / share and the PIPL separate consents)', {
      required: true,
      input: z.enum(consentEntryChannels),
    }),
    status: f('status', 'internal', 'none', 'granted or withdrawn: the latest entry per person × purpose × channel counts', {
      required: true,
      input: z.enum(consentStatuses),
    }),
    at: f('at', 'internal', 'none', 'When the consent was given or withdrawn (default: now)', { type: 'datetime' }),
    expiresAt: f('expires_at', 'internal', 'none', 'When a granted consent lapses (optional)', { type: 'datetime' }),
    source: f('source', 'internal', 'none', consentSources.join(', '), { required: true, input: z.enum(consentSources) }),
    givenBy: f('given_by', 'internal', 'none', 'subject, or guardian for a child under 14 (PIPL Art. 31): a grant by the subject of a child is refused', {
      input: z.enum(consentGivers),
      default: 'subject',
    }),
    lawfulBasis: f('lawful_basis', 'internal', 'none', `The lawful basis (GDPR Art. 6 / PIPL Art. 13): ${lawfulBases.join(', ')}`, {
      input: z.enum(lawfulBases),
      default: 'consent',
    }),
    noticeId: f('notice_id', 'internal', 'none', 'The privacy notice version the person was shown (needed for a PIPL separate consent)', {
      type: 'id',
      references: 'privacy_notices',
    }),
    recordedBy: f('recorded_by', 'internal', 'none', 'The staff user who recorded the entry (empty: the person on the portal, or a GPC signal)', {
      type: 'id',
      system: true,
    }),
    conflictId: f('conflict_id', 'internal', 'none', 'The GPC conflict this entry resolves (set by the resolve action)', {
      type: 'id',
      references: 'gpc_conflicts',
    }),
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
    purpose: f('purpose', 'internal', 'none', 'The consent purpose the audience needs', { required: true, input: z.enum(campaignPurposes) }),
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
  privacy_notices: {
    ...referenceFields,
    purpose: f('purpose', 'internal', 'none', 'The consent purpose the notice informs about', { required: true, input: z.enum(consentPurposes) }),
    version: f('version', 'internal', 'none', 'Version number per purpose (1, 2, …; set on publication)', { type: 'integer', system: true }),
    titleZh: f('title_zh', 'public', 'none', 'Title in Simplified Chinese', { required: true, input: z.string().trim().min(1).max(200) }),
    titleEn: f('title_en', 'public', 'none', 'Title in English', { required: true, input: z.string().trim().min(1).max(200) }),
    textZh: f('text_zh', 'public', 'none', 'The notice text in Simplified Chinese (public: shown to data subjects)', {
      required: true,
      input: z.string().trim().min(1).max(20000),
    }),
    textEn: f('text_en', 'public', 'none', 'The notice text in English (public: shown to data subjects)', {
      required: true,
      input: z.string().trim().min(1).max(20000),
    }),
    publishedAt: f('published_at', 'internal', 'none', 'When the version was published', { type: 'datetime', system: true }),
    publishedBy: f('published_by', 'internal', 'none', 'Who published it', { type: 'id', system: true }),
  },
  gpc_conflicts: {
    id: ownedFields.id,
    contactId: contactRef('contact_id', 'The person whose GPC signal contradicts an earlier explicit opt-in', { required: true }),
    signalConsentId: f('signal_consent_id', 'internal', 'none', 'The GPC opt-out ledger entry', { type: 'id', references: 'consents', required: true }),
    optInConsentId: f('opt_in_consent_id', 'internal', 'none', 'The earlier explicit opt-in it contradicts', {
      type: 'id',
      references: 'consents',
      required: true,
    }),
    status: f('status', 'internal', 'none', 'open, opt_out_confirmed or opt_in_kept (set by the resolve action)', {
      input: z.enum(gpcConflictStatuses),
      default: 'open',
    }),
    resolutionConsentId: f('resolution_consent_id', 'internal', 'none', 'The ledger entry that records the outcome', { type: 'id', references: 'consents' }),
    resolvedAt: f('resolved_at', 'internal', 'none', 'When the outcome was recorded', { type: 'datetime', system: true }),
    resolvedBy: f('resolved_by', 'internal', 'none', 'Who recorded it', { type: 'id', system: true }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const marketingObjects = {
  consents: { ownership: 'owned', subject: { via: 'contactId' }, plural: 'consents', label: 'consent' },
  campaigns: { ownership: 'owned', plural: 'campaigns', label: 'campaign', actions: ['audience', 'export'] },
  privacy_notices: { ownership: 'reference', plural: 'privacy-notices', label: 'privacy notice' },
  gpc_conflicts: { ownership: 'owned', subject: { via: 'contactId' }, plural: 'gpc-conflicts', label: 'GPC conflict', actions: ['resolve'] },
} as const satisfies Record<string, ObjectSpec>;
