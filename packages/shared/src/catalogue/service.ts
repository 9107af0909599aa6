import { z } from 'zod';
import { contactRef, f, type ObjectCatalogue, type ObjectSpec, ownedFields, staffText } from './types.js';

/**
 * Service: activities (calls, meetings, notes, tasks) attached to any record, and service cases
 * (工单 / 投诉) with SLA clocks. Free text typed by staff (an activity's subject and body, a case's
 * description and resolution) is personal data: encrypted under the key of the person it concerns.
 */
export const activityKinds = ['call', 'meeting', 'note', 'task'] as const;
export const caseCategories = ['fault', 'billing', 'installation', 'complaint', 'content', 'other'] as const;
export const casePriorities = ['p1', 'p2', 'p3', 'p4'] as const;
export const caseChannels = ['phone', 'wechat', 'email', 'web', 'walk-in'] as const;
export const caseStatuses = ['new', 'open', 'waiting_customer', 'resolved', 'closed'] as const;

export type CasePriority = (typeof casePriorities)[number];
export type CaseStatus = (typeof caseStatuses)[number];

const freeText = (max: number) => z.string().trim().min(1).max(max);
const objectName = z
  .string()
  .regex(/^[a-z][A-Za-z]{1,39}$/, 'must name a kind of record, e.g. contacts, accounts, cases')
  .describe('The kind of record (catalogue object, e.g. contacts, accounts, cases, deals)');

export const serviceFields = {
  activities: {
    id: ownedFields.id,
    kind: f('kind', 'internal', 'none', 'call, meeting, note or task', { required: true, input: z.enum(activityKinds) }),
    aboutObject: f('about_object', 'internal', 'none', 'The kind of record the activity is attached to (contacts, accounts, cases…)', {
      required: true,
      input: objectName,
    }),
    aboutId: f('about_id', 'internal', 'none', 'The record the activity is attached to (you must be able to see it)', { type: 'id', required: true }),
    contactId: f(
      'contact_id',
      'internal',
      'relationship',
      'The person the activity concerns, whose key seals its text: set by the system for a contact or a record about one; give it for other records',
      { type: 'id', references: 'contacts' },
    ),
    subject: staffText('subject', 'Title of the call, meeting, note or task (free text typed by staff)', {
      required: true,
      input: freeText(200),
    }),
    body: staffText('body', 'Notes (free text typed by staff)', { input: freeText(10_000) }),
    dueDate: f('due_date', 'internal', 'none', 'Due date of a task (YYYY-MM-DD)', { type: 'date' }),
    done: f('done', 'internal', 'none', 'A task is done', { type: 'boolean', default: false }),
    doneAt: f('done_at', 'internal', 'none', 'When the task was marked done', { type: 'datetime', system: true }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  cases: {
    id: ownedFields.id,
    contactId: contactRef('contact_id', 'The customer who raised the case', { required: true }),
    accountId: f('account_id', 'internal', 'relationship', 'Account concerned (optional)', { type: 'id', references: 'accounts' }),
    subscriptionId: f('subscription_id', 'internal', 'relationship', 'Subscription concerned (optional)', { type: 'id' }),
    category: f('category', 'internal', 'none', 'fault, billing, installation, complaint, content or other', {
      required: true,
      input: z.enum(caseCategories),
    }),
    priority: f('priority', 'internal', 'none', 'p1 (most urgent) to p4: sets the SLA targets', { required: true, input: z.enum(casePriorities) }),
    channel: f('channel', 'internal', 'none', 'How the case came in: phone, wechat, email, web, walk-in', { required: true, input: z.enum(caseChannels) }),
    description: staffText('description', 'What the customer reports (free text)', { required: true, input: freeText(10_000) }),
    status: f('status', 'internal', 'none', 'new, open, waiting_customer, resolved, closed', { input: z.enum(caseStatuses), default: 'new' }),
    resolution: staffText('resolution', 'How the case was resolved (free text); required to close', {
      input: freeText(10_000),
    }),
    satisfaction: f('satisfaction', 'internal', 'none', 'Customer satisfaction 1–5, once resolved', {
      type: 'integer',
      input: z.number().int().min(1).max(5),
    }),
    hasResolution: f('has_resolution', 'internal', 'none', 'A resolution is recorded (its text is encrypted)', { type: 'boolean', system: true }),
    firstResponseAt: f('first_response_at', 'internal', 'none', 'When the case first left status new', { type: 'datetime', system: true }),
    resolvedAt: f('resolved_at', 'internal', 'none', 'When the case was last resolved', { type: 'datetime', system: true }),
    closedAt: f('closed_at', 'internal', 'none', 'When the case was closed', { type: 'datetime', system: true }),
    pausedSince: f('paused_since', 'internal', 'none', 'SLA clock stopped since (waiting on the customer, resolved, closed)', {
      type: 'datetime',
      system: true,
    }),
    pausedSeconds: f('paused_seconds', 'internal', 'none', 'Seconds the SLA clock was stopped before pausedSince', { type: 'integer', system: true }),
    responseBreached: f('response_breached', 'internal', 'none', 'Response target missed (as of the last write; reads compute it live)', {
      type: 'boolean',
      system: true,
    }),
    resolutionBreached: f('resolution_breached', 'internal', 'none', 'Resolution target missed (as of the last write; reads compute it live)', {
      type: 'boolean',
      system: true,
    }),
    escalationLevel: f('escalation_level', 'internal', 'none', '0 none, 1 response target missed, 2 resolution target missed', {
      type: 'integer',
      system: true,
    }),
    escalatedAt: f('escalated_at', 'internal', 'none', 'When the escalation level last rose', { type: 'datetime', system: true }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const serviceObjects = {
  activities: { ownership: 'owned', subject: { via: 'contactId' }, plural: 'activities', label: 'activity' },
  cases: { ownership: 'owned', subject: { via: 'contactId' }, plural: 'cases', label: 'case', actions: ['escalate'] },
} as const satisfies Record<string, ObjectSpec>;
