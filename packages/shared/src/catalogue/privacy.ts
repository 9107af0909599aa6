import { z } from 'zod';
import { privacyLaws } from '../privacy/request-laws.js';
import { contactRef, f, type ObjectCatalogue, type ObjectSpec, ownedFields, staffText } from './types.js';

/**
 * Data-subject requests (DSAR cases): what a person asks of the controller under GDPR, CCPA or PIPL,
 * tracked as a case with a status, an assignee (the record's owner), a due date counted by the
 * deadline engine (packages/shared/src/privacy) and a response. The requester's name, e-mail and
 * free text are personal data, sealed under a key of the request's own (`subject: 'own'`), not the
 * matched contact's: erasing that contact by crypto-shredding must not destroy the record that the
 * erasure was asked for and done.
 */
export const privacyRequestKinds = [
  'access',
  'portability',
  'rectification',
  'erasure',
  'restriction',
  'objection',
  'opt_out_sale_share',
  'withdraw_consent',
] as const;
export type PrivacyRequestKind = (typeof privacyRequestKinds)[number];

export const privacyRequestStatuses = ['unverified', 'verified', 'in_progress', 'awaiting_requester', 'completed', 'refused'] as const;
export type PrivacyRequestStatus = (typeof privacyRequestStatuses)[number];

export const portabilityFormats = ['json', 'csv'] as const;
export const privacyRequestSources = ['portal', 'staff'] as const;

const freeText = (max: number) => z.string().trim().min(1).max(max);

export const privacyFields = {
  privacy_requests: {
    id: ownedFields.id,
    kind: f('kind', 'internal', 'none', 'access, portability, rectification, erasure, restriction, objection, opt_out_sale_share, withdraw_consent', {
      required: true,
      input: z.enum(privacyRequestKinds),
    }),
    law: f('law', 'internal', 'none', 'The law the request is made under: gdpr, ccpa or pipl (sets the deadline)', {
      required: true,
      input: z.enum(privacyLaws),
    }),
    format: f('format', 'internal', 'none', 'Portability: json or csv', { input: z.enum(portabilityFormats) }),
    source: f('source', 'internal', 'none', 'portal (the person) or staff (entered for the person)', {
      input: z.enum(privacyRequestSources),
      default: 'staff',
    }),
    requesterName: f('requester_name', 'personal', 'identity', 'Name the requester gave', { mask: 'name', input: freeText(200) }),
    requesterEmail: f('requester_email', 'personal', 'contact_details', 'E-mail the requester gave; the verification code goes there', {
      blindIndex: 'email',
      mask: 'email',
      required: true,
      input: z.email().max(320),
    }),
    details: f('details', 'personal', 'free_text', 'What the person asks (free text)', { mask: 'text', input: freeText(5000) }),
    contactId: contactRef('contact_id', 'The contact on record the request is about (matched by e-mail on the portal; none: no data held)'),
    status: f('status', 'internal', 'none', 'unverified, verified, in_progress, awaiting_requester, completed, refused (changed only by the request’s steps)', {
      input: z.enum(privacyRequestStatuses),
      default: 'unverified',
    }),
    receivedAt: f('received_at', 'internal', 'none', 'When the request arrived', { type: 'datetime', system: true }),
    verifiedAt: f('verified_at', 'internal', 'none', 'When identity was verified: the clock starts then', { type: 'datetime', system: true }),
    dueAt: f('due_at', 'internal', 'none', 'The answer is due by (null while unverified)', { type: 'datetime', system: true }),
    dueDay: f('due_day', 'internal', 'none', 'The last day to answer, in the law’s time zone', { type: 'date', system: true }),
    extended: f('extended', 'internal', 'none', 'The one extension the law allows was taken', { type: 'boolean', default: false }),
    extensionReason: staffText('extension_reason', 'Why the deadline was extended (told to the person)', { input: freeText(2000) }),
    pausedSince: f('paused_since', 'internal', 'none', 'Clock stopped since (waiting for the requester)', { type: 'datetime', system: true }),
    pausedSeconds: f('paused_seconds', 'internal', 'none', 'Seconds the clock stood still before pausedSince', { type: 'integer', system: true }),
    reminderStage: f('reminder_stage', 'internal', 'none', 'Reminders recorded before the due date (0–3: a week, three days, one day)', {
      type: 'integer',
      system: true,
    }),
    overdue: f('overdue', 'internal', 'none', 'Past the due date and not finished (set by the reminder job; never closes the request)', {
      type: 'boolean',
      system: true,
    }),
    response: staffText('response', 'The answer given to the person (free text)', { input: freeText(10_000) }),
    hasResponse: f('has_response', 'internal', 'none', 'A response is written (its text is encrypted)', { type: 'boolean', system: true }),
    closedAt: f('closed_at', 'internal', 'none', 'When the request was completed or refused', { type: 'datetime', system: true }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const privacyObjects = {
  privacy_requests: {
    ownership: 'owned',
    subject: 'own',
    plural: 'privacy-requests',
    label: 'privacy request',
    actions: ['assign', 'verify', 'extend', 'respond', 'close'],
  },
} as const satisfies Record<string, ObjectSpec>;
