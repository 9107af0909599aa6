import { z } from 'zod';
import { mediaListInput, territoryListInput } from './licensing-territories.js';
import { f, type ObjectCatalogue, type ObjectSpec, ownedFields, referenceFields } from './types.js';

/**
 * Licensing (版权发行): titles (reference data), the rights the company holds (rights in, from a
 * rights-in contract with a licensor) and the licences it sells (rights out, to a licensee), with
 * their payment schedules. No personal data: parties are accounts, amounts are trade secrets kept in
 * record scope, not personal information. Territories and media are comma-separated lists
 * (licensing-territories.ts); windows are inclusive dates.
 */
export const titleKinds = ['film', 'series', 'documentary', 'variety', 'animation'] as const;
export const licenseStatuses = ['draft', 'signed', 'cancelled'] as const;
export const licensePaymentKinds = ['minimum_guarantee', 'instalment', 'royalty'] as const;

const contractNumber = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/()（）〔〕[\]#-]{0,63}$/u, 'must be 1-64 letters, digits, space . _ / ( ) [ ] # -');
const money = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const window = {
  territories: f(
    'territories',
    'internal',
    'none',
    'Territories, comma-separated: ISO 3166-1 alpha-2 codes or regions (WORLD, OVERSEAS, GREATER-CHINA, CN, EU, SEA)',
    {
      required: true,
      input: territoryListInput,
    },
  ),
  media: f(
    'media',
    'internal',
    'none',
    'Media, comma-separated (free_tv, pay_tv, satellite_tv, iptv, svod, avod, tvod, est, theatrical, airline, hotel, home_video, mobile)',
    {
      required: true,
      input: mediaListInput,
    },
  ),
  windowStart: f('window_start', 'internal', 'none', 'First day of the window (inclusive)', { type: 'date', required: true }),
  windowEnd: f('window_end', 'internal', 'none', 'Last day of the window (inclusive)', { type: 'date', required: true }),
  exclusive: f('exclusive', 'internal', 'none', 'Exclusive (独家) in these territories and media for the window', { type: 'boolean', default: false }),
} as const;

export const licensingFields = {
  titles: {
    ...referenceFields,
    titleZh: f('title_zh', 'internal', 'none', 'Chinese title (中文片名)', { required: true, input: z.string().trim().min(1).max(200) }),
    titleEn: f('title_en', 'internal', 'none', 'English title', { input: z.string().trim().min(1).max(200) }),
    originalTitle: f('original_title', 'internal', 'none', 'Original title, when neither', { input: z.string().trim().min(1).max(200) }),
    kind: f('kind', 'internal', 'none', 'film, series, documentary, variety or animation', { required: true, input: z.enum(titleKinds) }),
    genre: f('genre', 'internal', 'none', 'Genre (题材)', { input: z.string().trim().min(1).max(100) }),
    episodes: f('episodes', 'internal', 'none', 'Number of episodes (集数); 1 for a film', { type: 'integer', input: z.number().int().min(1).max(100000) }),
    minutesPerEpisode: f('minutes_per_episode', 'internal', 'none', 'Minutes per episode (每集时长)', {
      type: 'integer',
      input: z.number().int().min(1).max(1000),
    }),
    year: f('year', 'internal', 'none', 'Year of production or release', { type: 'integer', input: z.number().int().min(1888).max(2100) }),
    distributionLicenceNo: f('distribution_licence_no', 'internal', 'none', '发行许可证号: 电视剧 / 动画片发行许可证号 (series, animation, documentary)', {
      input: z.string().trim().min(1).max(100),
    }),
    screeningLicenceNo: f('screening_licence_no', 'internal', 'none', '电影公映许可证号 (films)', { input: z.string().trim().min(1).max(100) }),
    producerAccountId: f('producer_account_id', 'internal', 'relationship', 'Producer (出品方), an account', { type: 'id', references: 'accounts' }),
  },
  rights: {
    ...ownedFields,
    titleId: f('title_id', 'internal', 'none', 'Title the rights are in', { type: 'id', references: 'titles', required: true }),
    licensorAccountId: f('licensor_account_id', 'internal', 'relationship', 'Licensor (授权方), an account', {
      type: 'id',
      references: 'accounts',
      required: true,
    }),
    contractNumber: f('contract_number', 'internal', 'none', 'Rights-in contract number', { required: true, input: contractNumber }),
    ...window,
  },
  licenses: {
    ...ownedFields,
    titleId: f('title_id', 'internal', 'none', 'Title licensed', { type: 'id', references: 'titles', required: true }),
    licenseeAccountId: f('licensee_account_id', 'internal', 'relationship', 'Licensee (被授权方), an account', {
      type: 'id',
      references: 'accounts',
      required: true,
    }),
    contractNumber: f('contract_number', 'internal', 'none', 'Licence contract number (unique)', { required: true, input: contractNumber }),
    ...window,
    runs: f('runs', 'internal', 'none', 'Runs (播出次数) granted; empty for unlimited', { type: 'integer', input: z.number().int().min(1).max(100000) }),
    feeFen: f('fee_fen', 'internal', 'none', 'Licence fee in fen (minor units of the currency): the whole contract value', {
      type: 'integer',
      required: true,
      input: money,
    }),
    currency: f('currency', 'internal', 'none', 'ISO 4217 currency of the fee', {
      default: 'CNY',
      input: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
    }),
    status: f('status', 'internal', 'none', 'draft, signed or cancelled (cancelled licences block nothing)', {
      default: 'draft',
      input: z.enum(licenseStatuses),
    }),
    signedOn: f('signed_on', 'internal', 'none', 'Day the licence was signed (set when its status becomes signed)', { type: 'date', system: true }),
  },
  license_payments: {
    ...ownedFields,
    licenseId: f('license_id', 'internal', 'none', 'Licence the payment is due under', { type: 'id', references: 'licenses', required: true }),
    kind: f('kind', 'internal', 'none', 'minimum_guarantee, instalment or royalty', { required: true, input: z.enum(licensePaymentKinds) }),
    dueDate: f('due_date', 'internal', 'none', 'Day the payment is due', { type: 'date', required: true }),
    amountFen: f('amount_fen', 'internal', 'none', 'Amount in fen (minor units of the licence currency)', {
      type: 'integer',
      required: true,
      input: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    }),
    currency: f('currency', 'internal', 'none', "The licence's currency (copied from it)", { system: true }),
    paidOn: f('paid_on', 'internal', 'none', 'Day the payment was received (empty: not paid)', { type: 'date' }),
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const licensingObjects = {
  titles: { ownership: 'reference', plural: 'titles', label: 'title', actions: ['availability'] },
  rights: { ownership: 'owned', plural: 'rights', label: 'rights-in record' },
  licenses: { ownership: 'owned', plural: 'licenses', label: 'licence' },
  license_payments: { ownership: 'owned', plural: 'license-payments', label: 'licence payment' },
} as const satisfies Record<string, ObjectSpec>;
