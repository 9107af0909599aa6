import { z } from 'zod';
import { contactRef, f, type ObjectCatalogue, type ObjectSpec, ownedFields, staffText } from './types.js';

/**
 * Subscribers (cable / IPTV / OTT, the 三户模型): a customer (a contact) → billing accounts (who pays)
 * → subscriptions (a base package or an add-on) → devices (set-top box, smart card, CAM, router).
 * A subscription's status changes only through its lifecycle actions (activate, suspend 报停, resume,
 * move 移机, transfer 过户, cancel 销户), each recorded in its history in the same transaction.
 */
export const billingAccountStatuses = ['active', 'suspended', 'cancelled'] as const;
export const subscriptionStatuses = ['pending', 'active', 'suspended', 'cancelled'] as const;
export const packageKinds = ['base', 'addon'] as const;
export const deviceKinds = ['stb', 'smart_card', 'cam', 'router'] as const;
export const lifecycleActions = ['activate', 'suspend', 'resume', 'move', 'transfer', 'cancel'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];
export type LifecycleAction = (typeof lifecycleActions)[number];

const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const deviceIdentifier = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z][0-9A-Za-z -]{3,63}$/, 'must be 4-64 letters, digits, spaces or hyphens');

export const subscribersFields = {
  billing_accounts: {
    id: ownedFields.id,
    contactId: contactRef('contact_id', 'The customer (客户): the contact who holds the account', {
      required: true,
    }),
    accountNumber: f('account_number', 'internal', 'none', 'Billing account number (unique)', {
      required: true,
      input: z
        .string()
        .trim()
        .regex(/^[0-9A-Za-z][0-9A-Za-z-]{2,31}$/, 'must be 3-32 letters, digits or hyphens'),
    }),
    status: f('status', 'internal', 'none', 'active, suspended or cancelled (cancelled is final)', {
      input: z.enum(billingAccountStatuses),
      default: 'active',
    }),
    billingAddress: f('billing_address', 'personal', 'postal_address', 'Where bills are sent', { mask: 'address', input: z.string().trim().min(1).max(500) }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  subscriptions: {
    id: ownedFields.id,
    billingAccountId: f('billing_account_id', 'internal', 'none', 'The billing account that pays (changes only by transfer 过户)', {
      type: 'id',
      references: 'billing_accounts',
      required: true,
    }),
    packageCode: f('package_code', 'internal', 'none', 'The package (节目包) subscribed to', { required: true, input: z.string().trim().min(1).max(64) }),
    packageKind: f('package_kind', 'internal', 'none', 'base (基本包) or addon (付费频道, VOD…)', { required: true, input: z.enum(packageKinds) }),
    priceFen: f('price_fen', 'internal', 'none', 'Price per month in fen', { type: 'integer', required: true, input: fen }),
    startDate: f('start_date', 'internal', 'none', 'First day of service', { type: 'date', required: true }),
    endDate: f('end_date', 'internal', 'none', 'Last day of the term (open-ended when empty)', { type: 'date' }),
    autoRenew: f('auto_renew', 'internal', 'none', 'Renews at the end of the term', { type: 'boolean', default: false }),
    status: f('status', 'internal', 'none', 'pending, active, suspended or cancelled: changed only by the lifecycle actions', {
      input: z.enum(subscriptionStatuses),
      default: 'pending',
    }),
    householdId: f('household_id', 'internal', 'relationship', 'Service address (changes only by move 移机)', { type: 'id', references: 'households' }),
    activatedOn: f('activated_on', 'internal', 'none', 'Day of the first activation (set by the system)', { type: 'date', system: true }),
    cancelledOn: f('cancelled_on', 'internal', 'none', 'Day of cancellation (set by the system)', { type: 'date', system: true }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  subscription_history: {
    id: ownedFields.id,
    subscriptionId: f('subscription_id', 'internal', 'none', 'The subscription', { type: 'id', references: 'subscriptions', required: true }),
    billingAccountId: f(
      'billing_account_id',
      'internal',
      'relationship',
      "The subscription's billing account when the action happened (whose customer's key seals the reason)",
      {
        type: 'id',
        references: 'billing_accounts',
        required: true,
      },
    ),
    action: f('action', 'internal', 'none', 'activate, suspend, resume, move, transfer or cancel', { required: true, input: z.enum(lifecycleActions) }),
    fromStatus: f('from_status', 'internal', 'none', 'Status before the action', { required: true, input: z.enum(subscriptionStatuses) }),
    toStatus: f('to_status', 'internal', 'none', 'Status after the action', { required: true, input: z.enum(subscriptionStatuses) }),
    at: f('at', 'internal', 'none', 'When the action happened (set by the system)', { type: 'datetime', system: true }),
    byUserId: f('by_user_id', 'internal', 'none', 'Staff member who acted (set by the system)', { type: 'id', system: true }),
    detail: f('detail', 'internal', 'none', 'What moved: the new household or billing account id', { input: z.string().max(200) }),
    reason: staffText('reason', 'Reason typed by staff (free text: personal, encrypted)', {
      input: z.string().trim().min(1).max(1000),
    }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
  devices: {
    id: ownedFields.id,
    subscriptionId: f('subscription_id', 'internal', 'none', 'The subscription the device serves', { type: 'id', references: 'subscriptions', required: true }),
    billingAccountId: f('billing_account_id', 'internal', 'relationship', "The subscription's billing account (whose customer's key seals the identifiers)", {
      type: 'id',
      references: 'billing_accounts',
      required: true,
    }),
    kind: f('kind', 'internal', 'none', 'stb (set-top box), smart_card, cam or router', { required: true, input: z.enum(deviceKinds) }),
    serialNumber: f('serial_number', 'personal', 'device_identifier', 'Set-top box / device serial number', {
      mask: 'id_number',
      blindIndex: 'id_number',
      input: deviceIdentifier,
    }),
    caNumber: f('ca_number', 'personal', 'device_identifier', 'Smart-card / CA number', {
      mask: 'id_number',
      blindIndex: 'id_number',
      input: deviceIdentifier,
    }),
    macAddress: f('mac_address', 'personal', 'device_identifier', 'MAC address', {
      mask: 'id_number',
      input: z
        .string()
        .trim()
        .regex(/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/, 'must be a MAC address (six hex pairs)'),
    }),
    ownerId: ownedFields.ownerId,
    teamId: ownedFields.teamId,
    createdAt: ownedFields.createdAt,
    updatedAt: ownedFields.updatedAt,
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const subscribersObjects = {
  billing_accounts: { ownership: 'owned', subject: { via: 'contactId' }, plural: 'billing-accounts', label: 'billing account' },
  subscriptions: { ownership: 'owned', plural: 'subscriptions', label: 'subscription', actions: ['lifecycle'], contractEnd: 'endDate' },
  subscription_history: { ownership: 'owned', subject: { via: 'billingAccountId' }, plural: 'subscription-history', label: 'subscription history entry' },
  devices: { ownership: 'owned', subject: { via: 'billingAccountId' }, plural: 'devices', label: 'device' },
} as const satisfies Record<string, ObjectSpec>;
