import { lazyWithRetry } from '../../app/lazy-with-retry';
import type { RecordExtension } from '../../app/record-extensions';

const subscriptions = () => import('./SubscriptionExtensions');
const cases = () => import('./CaseExtensions');
const others = () => import('./OtherExtensions');

/** What the broadcast screens add to the generic record pages (subscriptions, cases, campaigns, contracts, titles). */
export const extensions: RecordExtension[] = [
  {
    object: 'subscriptions',
    kind: 'action',
    labelKey: 'broadcast:subscription.lifecycle',
    permission: 'subscriptions.lifecycle',
    Component: lazyWithRetry(async () => ({ default: (await subscriptions()).SubscriptionLifecycleActions })),
  },
  {
    object: 'subscriptions',
    kind: 'action',
    labelKey: 'broadcast:service.open',
    Component: lazyWithRetry(async () => ({ default: (await others()).SubscriptionServiceLink })),
    order: 90,
  },
  {
    object: 'subscriptions',
    kind: 'panel',
    labelKey: 'broadcast:devices.title',
    permission: 'devices.read',
    Component: lazyWithRetry(async () => ({ default: (await subscriptions()).SubscriptionDevicesPanel })),
    order: 10,
  },
  {
    object: 'subscriptions',
    kind: 'panel',
    labelKey: 'broadcast:history.title',
    permission: 'subscription_history.read',
    Component: lazyWithRetry(async () => ({ default: (await subscriptions()).SubscriptionHistoryPanel })),
    order: 20,
  },
  {
    object: 'subscriptions',
    kind: 'cell',
    field: 'status',
    labelKey: 'broadcast:subscription.statusLabel',
    Component: lazyWithRetry(async () => ({ default: (await subscriptions()).SubscriptionStatusCell })),
  },
  {
    object: 'cases',
    kind: 'cell',
    field: 'responseBreached',
    labelKey: 'broadcast:sla.clock.response',
    Component: lazyWithRetry(async () => ({ default: (await cases()).ResponseSlaCell })),
  },
  {
    object: 'cases',
    kind: 'cell',
    field: 'resolutionBreached',
    labelKey: 'broadcast:sla.clock.resolution',
    Component: lazyWithRetry(async () => ({ default: (await cases()).ResolutionSlaCell })),
  },
  {
    object: 'cases',
    kind: 'cell',
    field: 'sla',
    labelKey: 'broadcast:sla.title',
    Component: lazyWithRetry(async () => ({ default: (await cases()).SlaCell })),
  },
  {
    object: 'cases',
    kind: 'panel',
    labelKey: 'broadcast:sla.title',
    Component: lazyWithRetry(async () => ({ default: (await cases()).CaseSlaPanel })),
    order: 5,
  },
  {
    object: 'cases',
    kind: 'action',
    labelKey: 'broadcast:case.actions',
    permission: 'cases.update',
    Component: lazyWithRetry(async () => ({ default: (await cases()).CaseActions })),
  },
  {
    object: 'cases',
    kind: 'action',
    labelKey: 'broadcast:case.escalate',
    permission: 'cases.escalate',
    Component: lazyWithRetry(async () => ({ default: (await cases()).EscalateAction })),
    order: 90,
  },
  {
    object: 'cases',
    kind: 'list-action',
    labelKey: 'broadcast:case.escalate',
    permission: 'cases.escalate',
    Component: lazyWithRetry(async () => ({ default: (await cases()).EscalateAction })),
  },
  {
    object: 'campaigns',
    kind: 'panel',
    labelKey: 'broadcast:audience.title',
    permission: 'campaigns.audience',
    Component: lazyWithRetry(async () => ({ default: (await others()).CampaignAudiencePanel })),
    order: 10,
  },
  {
    object: 'campaigns',
    kind: 'action',
    labelKey: 'broadcast:audience.export',
    permission: 'campaigns.export',
    Component: lazyWithRetry(async () => ({ default: (await others()).CampaignExportAction })),
  },
  {
    object: 'contracts',
    kind: 'action',
    labelKey: 'broadcast:contract.actions',
    permission: ['contracts.update', 'contracts.approve'],
    Component: lazyWithRetry(async () => ({ default: (await others()).ContractActions })),
  },
  {
    object: 'titles',
    kind: 'panel',
    labelKey: 'broadcast:avail.panel',
    permission: 'titles.availability',
    Component: lazyWithRetry(async () => ({ default: (await others()).TitleAvailabilityPanel })),
    order: 10,
  },
  {
    object: 'titles',
    kind: 'action',
    labelKey: 'broadcast:avail.open',
    permission: 'titles.availability',
    Component: lazyWithRetry(async () => ({ default: (await others()).TitleAvailabilityAction })),
  },
  {
    object: 'deals',
    kind: 'list-action',
    labelKey: 'broadcast:nav.board',
    // Shown on the deals list (so to deals readers); the board also reads the deal stages.
    permission: 'deal_stages.read',
    Component: lazyWithRetry(async () => ({ default: (await others()).DealsBoardLink })),
  },
  {
    object: 'bookings',
    kind: 'list-action',
    labelKey: 'broadcast:nav.grid',
    // Shown on the bookings list (so to bookings readers); the grid also reads channels and breaks.
    permission: 'breaks.read',
    Component: lazyWithRetry(async () => ({ default: (await others()).BookingGridLink })),
  },
];
