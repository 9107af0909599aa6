import type { NavSection } from '../../app/feature';

/**
 * The store objects the record screens serve, with the path segment of their routes (the
 * catalogue's `plural`) and the sidebar section. Kept apart from the catalogue so the first script
 * stays small; a unit test checks it against `objectSpecs` of @castellan/shared.
 */
export interface RecordObject {
  object: string;
  plural: string;
  section: NavSection;
  /** Changed only by its own actions (a GPC conflict is resolved, never edited): no create, edit or delete screens. */
  readOnly?: boolean;
}

export const recordObjects: readonly RecordObject[] = [
  { object: 'contacts', plural: 'contacts', section: 'crm' },
  { object: 'households', plural: 'households', section: 'crm' },
  { object: 'accounts', plural: 'accounts', section: 'crm' },
  { object: 'agency_links', plural: 'agency-links', section: 'crm' },
  { object: 'brands', plural: 'brands', section: 'crm' },
  { object: 'deals', plural: 'deals', section: 'sales' },
  { object: 'bookings', plural: 'bookings', section: 'sales' },
  { object: 'contracts', plural: 'contracts', section: 'sales' },
  { object: 'channels', plural: 'channels', section: 'sales' },
  { object: 'dayparts', plural: 'dayparts', section: 'sales' },
  { object: 'breaks', plural: 'breaks', section: 'sales' },
  { object: 'rate_cards', plural: 'rate-cards', section: 'sales' },
  { object: 'deal_stages', plural: 'deal-stages', section: 'sales' },
  { object: 'titles', plural: 'titles', section: 'licensing' },
  { object: 'rights', plural: 'rights', section: 'licensing' },
  { object: 'licenses', plural: 'licenses', section: 'licensing' },
  { object: 'license_payments', plural: 'license-payments', section: 'licensing' },
  { object: 'billing_accounts', plural: 'billing-accounts', section: 'subscribers' },
  { object: 'subscriptions', plural: 'subscriptions', section: 'subscribers' },
  { object: 'subscription_history', plural: 'subscription-history', section: 'subscribers' },
  { object: 'devices', plural: 'devices', section: 'subscribers' },
  { object: 'activities', plural: 'activities', section: 'service' },
  { object: 'cases', plural: 'cases', section: 'service' },
  { object: 'consents', plural: 'consents', section: 'marketing' },
  { object: 'campaigns', plural: 'campaigns', section: 'marketing' },
  { object: 'privacy_notices', plural: 'privacy-notices', section: 'marketing' },
  { object: 'gpc_conflicts', plural: 'gpc-conflicts', section: 'marketing', readOnly: true },
];

/**
 * Store objects served by a feature of their own instead of the generic record screens: a
 * data-subject request moves only through its steps (the privacy officer's workspace,
 * features/privacy), never by a generic edit form.
 */
export const objectsWithOwnScreens: readonly string[] = ['privacy_requests'];

const byObject = new Map(recordObjects.map((o) => [o.object, o]));
const byPlural = new Map(recordObjects.map((o) => [o.plural, o]));

export const recordObject = (object: string): RecordObject | undefined => byObject.get(object);
export const recordObjectByPlural = (plural: string): RecordObject | undefined => byPlural.get(plural);
/** Whether the record screens may offer `action` on the object (read-only objects change only through their own screens). */
export const offersChange = (object: string): boolean => !byObject.get(object)?.readOnly;
/** Where a record of an object is shown. */
export const recordPath = (object: string, id?: string): string => {
  const plural = byObject.get(object)?.plural ?? object;
  return id ? `/${plural}/${encodeURIComponent(id)}` : `/${plural}`;
};
