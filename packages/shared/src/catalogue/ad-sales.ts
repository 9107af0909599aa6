import { z } from 'zod';
import { contactRef, f, type ObjectCatalogue, type ObjectSpec, ownedFields, referenceFields, staffText } from './types.js';

/**
 * Ad sales (广告经营): channels and their airtime (dayparts 时段, breaks 广告位), rate cards (刊例价),
 * configurable deal stages, deals, bookings of spots, contracts with an approval step.
 * Channels, dayparts, breaks, rate cards and deal stages are organisation-wide reference data; deals,
 * bookings and contracts are owned records (record scope). The regulatory caps (总局令61号) apply per
 * channel, clock hour and day (modules/ad-sales/airtime-cap.policy.ts).
 */
export const channelKinds = ['tv', 'radio', 'ott'] as const;
/** Spot lengths sold (seconds). */
export const spotLengths = [5, 10, 15, 30] as const;
export const bookingStatuses = ['booked', 'aired', 'missed', 'misaired', 'cancelled'] as const;
export const contractStatuses = ['draft', 'submitted', 'approved', 'rejected'] as const;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (00:00-23:59)');
const endTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time HH:MM (00:01-24:00)');
const percent = z.number().int().min(0).max(100);
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const spotLength = z.union(spotLengths.map((s) => z.literal(s)) as [z.ZodLiteral<5>, z.ZodLiteral<10>, z.ZodLiteral<15>, z.ZodLiteral<30>]);
const label = (max: number) => z.string().trim().min(1).max(max);

export const adSalesFields = {
  channels: {
    ...referenceFields,
    code: f('code', 'internal', 'none', 'Short code of the channel (e.g. CCTV-1, FM101.8)', {
      required: true,
      input: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,31}$/, 'must be 1-32 letters, digits, space . _ + -'),
    }),
    name: f('name', 'internal', 'none', 'Name of the channel or frequency (频道/频率)', { required: true, input: z.string().trim().min(1).max(100) }),
    kind: f('kind', 'internal', 'none', 'tv, radio or ott: the 18-minute peak window is 19:00–21:00 on TV, 11:00–13:00 on radio', {
      required: true,
      input: z.enum(channelKinds),
    }),
    active: f('active', 'internal', 'none', 'Still sold', { type: 'boolean', default: true }),
  },
  dayparts: {
    ...referenceFields,
    channelId: f('channel_id', 'internal', 'none', 'Channel the daypart belongs to', { type: 'id', references: 'channels', required: true }),
    name: f('name', 'internal', 'none', 'Name of the daypart (时段), e.g. 黄金时段 prime time', { required: true, input: label(100) }),
    startTime: f('start_time', 'internal', 'none', 'Start time HH:MM (inclusive)', { required: true, input: clockTime }),
    endTime: f('end_time', 'internal', 'none', 'End time HH:MM (exclusive, 24:00 for midnight); dayparts do not cross midnight', {
      required: true,
      input: endTime,
    }),
  },
  breaks: {
    ...referenceFields,
    channelId: f('channel_id', 'internal', 'none', 'Channel of the break', { type: 'id', references: 'channels', required: true }),
    daypartId: f('daypart_id', 'internal', 'none', 'Daypart the break lies in', { type: 'id', references: 'dayparts', required: true }),
    name: f('name', 'internal', 'none', 'Label of the break (广告位), e.g. 新闻联播后 A1', { input: label(100) }),
    startTime: f('start_time', 'internal', 'none', 'Start time HH:MM, within the daypart; its spots count in this clock hour', {
      required: true,
      input: clockTime,
    }),
    maxDuration: f('max_duration', 'internal', 'none', 'Capacity of the break in seconds', {
      type: 'integer',
      required: true,
      input: z.number().int().min(1).max(3600),
    }),
  },
  rate_cards: {
    ...referenceFields,
    channelId: f('channel_id', 'internal', 'none', 'Channel', { type: 'id', references: 'channels', required: true }),
    daypartId: f('daypart_id', 'internal', 'none', 'Daypart (时段)', { type: 'id', references: 'dayparts', required: true }),
    spotLength: f('spot_length', 'internal', 'none', 'Spot length in seconds: 5, 10, 15 or 30', { type: 'integer', required: true, input: spotLength }),
    price: f('price', 'internal', 'none', 'List price (刊例价) of one spot, in fen', { type: 'integer', required: true, input: fen }),
    validFrom: f('valid_from', 'internal', 'none', 'First air date the price applies to', { type: 'date', required: true }),
    validTo: f('valid_to', 'internal', 'none', 'Last air date the price applies to (open-ended when empty)', { type: 'date' }),
  },
  deal_stages: {
    ...referenceFields,
    code: f('code', 'internal', 'none', 'Stable code of the stage (enquiry, proposal, negotiation, won, lost, …)', {
      required: true,
      input: z
        .string()
        .trim()
        .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be 1-32 lower-case letters, digits or _'),
    }),
    name: f('name', 'internal', 'none', 'Name of the stage shown to users', { required: true, input: label(100) }),
    position: f('position', 'internal', 'none', 'Order of the stage in the pipeline', {
      type: 'integer',
      required: true,
      input: z.number().int().min(0).max(1000),
    }),
    probability: f('probability', 'internal', 'none', 'Chance of winning, percent (weighted pipeline)', { type: 'integer', required: true, input: percent }),
    isWon: f('is_won', 'internal', 'none', 'Deals in this stage are won', { type: 'boolean', default: false }),
    isLost: f('is_lost', 'internal', 'none', 'Deals in this stage are lost', { type: 'boolean', default: false }),
  },
  deals: {
    id: ownedFields.id,
    name: f('name', 'internal', 'none', 'Name of the deal (media campaign)', { required: true, input: label(200) }),
    accountId: f('account_id', 'internal', 'relationship', 'Advertiser (an account of kind advertiser or brand)', {
      type: 'id',
      references: 'accounts',
      required: true,
    }),
    agencyId: f('agency_id', 'internal', 'relationship', 'Agency buying for the advertiser (an account of kind agency)', {
      type: 'id',
      references: 'accounts',
    }),
    contactId: contactRef('contact_id', "Contact person of the deal; the notes are sealed under this person's key"),
    stageId: f('stage_id', 'internal', 'none', 'Pipeline stage', { type: 'id', references: 'deal_stages', required: true }),
    amount: f('amount', 'internal', 'none', 'Expected amount (budget) in fen', { type: 'integer', required: true, input: fen }),
    currency: f('currency', 'internal', 'none', 'ISO 4217 currency code of the amount', {
      default: 'CNY',
      input: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
    }),
    flightStart: f('flight_start', 'internal', 'none', 'First air date of the campaign', { type: 'date' }),
    flightEnd: f('flight_end', 'internal', 'none', 'Last air date of the campaign', { type: 'date' }),
    notes: staffText('notes', 'Free-text notes typed by staff (may name people): encrypted, kept only with a contact', {
      input: z.string().trim().min(1).max(4000),
    }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  bookings: {
    id: ownedFields.id,
    dealId: f('deal_id', 'internal', 'none', 'Deal the spots are sold under', { type: 'id', references: 'deals', required: true }),
    channelId: f('channel_id', 'internal', 'none', 'Channel', { type: 'id', references: 'channels', required: true }),
    breakId: f('break_id', 'internal', 'none', 'Break (of this channel) the spots air in', { type: 'id', references: 'breaks', required: true }),
    airDate: f('air_date', 'internal', 'none', 'Air date', { type: 'date', required: true }),
    spotLength: f('spot_length', 'internal', 'none', 'Spot length in seconds: 5, 10, 15 or 30', { type: 'integer', required: true, input: spotLength }),
    count: f('count', 'internal', 'none', 'Number of spots', { type: 'integer', required: true, input: z.number().int().min(1).max(100) }),
    discountPercent: f('discount_percent', 'internal', 'none', 'Discount on the list price, percent', { type: 'integer', default: 0, input: percent }),
    commissionPercent: f('commission_percent', 'internal', 'none', 'Agency commission, percent of the discounted price', {
      type: 'integer',
      default: 0,
      input: percent,
    }),
    publicService: f('public_service', 'internal', 'none', 'Public-service spots (公益广告): outside the commercial caps, reported as a share', {
      type: 'boolean',
      default: false,
    }),
    status: f('status', 'internal', 'none', 'booked, aired, missed, misaired or cancelled (as-run sets the aired states)', {
      default: 'booked',
      input: z.enum(bookingStatuses),
    }),
    makeGoodOf: f('make_good_of', 'internal', 'none', 'The booking whose missed or mis-aired spots this one makes good (补播), free of charge', {
      type: 'id',
      references: 'bookings',
    }),
    airedCount: f('aired_count', 'internal', 'none', 'Spots confirmed aired (as-run)', {
      type: 'integer',
      default: 0,
      input: z.number().int().min(0).max(100),
    }),
    missedCount: f('missed_count', 'internal', 'none', 'Spots confirmed missed (as-run)', {
      type: 'integer',
      default: 0,
      input: z.number().int().min(0).max(100),
    }),
    misairedCount: f('misaired_count', 'internal', 'none', 'Spots confirmed mis-aired (as-run)', {
      type: 'integer',
      default: 0,
      input: z.number().int().min(0).max(100),
    }),
    airedAt: f('aired_at', 'internal', 'none', 'When the as-run was confirmed for', { type: 'datetime' }),
    daypartId: f('daypart_id', 'internal', 'none', 'Daypart of the break (derived)', { type: 'id', system: true }),
    airHour: f('air_hour', 'internal', 'none', "Clock hour (0-23) of the break's start, where the spots count (derived)", { type: 'integer', system: true }),
    airMonth: f('air_month', 'internal', 'none', 'Month of the air date YYYY-MM (derived)', { system: true }),
    seconds: f('seconds', 'internal', 'none', 'Airtime the booking takes: (count - missed) x length, 0 when cancelled (derived)', {
      type: 'integer',
      system: true,
    }),
    listPrice: f('list_price', 'internal', 'none', 'List price of one spot from the rate card, in fen (derived)', { type: 'integer', system: true }),
    netAmount: f('net_amount', 'internal', 'none', 'Net amount in fen: list x count, less discount, less commission; 0 for a make-good (derived)', {
      type: 'integer',
      system: true,
    }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  contracts: {
    id: ownedFields.id,
    dealId: f('deal_id', 'internal', 'none', 'Deal the contract closes', { type: 'id', references: 'deals', required: true }),
    number: f('number', 'internal', 'none', 'Contract number (合同编号)', { required: true, input: label(64) }),
    total: f('total', 'internal', 'none', 'Contract total in fen', { type: 'integer', required: true, input: fen }),
    status: f('status', 'internal', 'none', 'draft, submitted, approved or rejected (changed by the submit / approve / reject actions)', {
      default: 'draft',
      input: z.enum(contractStatuses),
    }),
    createdBy: f('created_by', 'internal', 'none', 'User who drafted the contract', { type: 'id', system: true }),
    submittedBy: f('submitted_by', 'internal', 'none', 'User who submitted it for approval', { type: 'id', system: true }),
    submittedAt: f('submitted_at', 'internal', 'none', 'When it was submitted', { type: 'datetime', system: true }),
    approvedBy: f('approved_by', 'internal', 'none', 'User who approved or rejected it (never its author)', { type: 'id', system: true }),
    decidedAt: f('decided_at', 'internal', 'none', 'When it was approved or rejected', { type: 'datetime', system: true }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const adSalesObjects = {
  channels: { ownership: 'reference', plural: 'channels', label: 'channel' },
  dayparts: { ownership: 'reference', plural: 'dayparts', label: 'daypart' },
  breaks: { ownership: 'reference', plural: 'breaks', label: 'break' },
  rate_cards: { ownership: 'reference', plural: 'rate-cards', label: 'rate card' },
  deal_stages: { ownership: 'reference', plural: 'deal-stages', label: 'deal stage' },
  deals: { ownership: 'owned', subject: { via: 'contactId' }, plural: 'deals', label: 'deal' },
  bookings: { ownership: 'owned', plural: 'bookings', label: 'booking', actions: ['confirm'] },
  contracts: { ownership: 'owned', plural: 'contracts', label: 'contract', actions: ['approve'] },
} as const satisfies Record<string, ObjectSpec>;
