import type { Feature } from '../../app/feature';

/** The broadcast-specific screens: the deals board, the booking grid, a title's availability. */
export const feature: Feature = {
  id: 'broadcast',
  routes: [
    { path: 'deals/board', lazy: async () => ({ Component: (await import('./DealsBoard')).DealsBoard }) },
    { path: 'bookings/grid', lazy: async () => ({ Component: (await import('./BookingGrid')).BookingGrid }) },
    { path: 'subscriptions/:id/service', lazy: async () => ({ Component: (await import('./SubscriptionService')).SubscriptionService }) },
    { path: 'titles/:id/availability', lazy: async () => ({ Component: (await import('./TitleAvailability')).TitleAvailabilityPage }) },
  ],
  nav: [
    { path: '/deals/board', labelKey: 'broadcast:nav.board', section: 'sales', permission: 'deals.read', allOf: ['deal_stages.read'], order: 15 },
    {
      path: '/bookings/grid',
      labelKey: 'broadcast:nav.grid',
      section: 'sales',
      permission: 'bookings.read',
      allOf: ['channels.read', 'breaks.read'],
      order: 25,
    },
  ],
};
