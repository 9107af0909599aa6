import type { DomainRules } from '../domain-store.js';
import { defineAirtimeRules } from './airtime.rules.js';
import { defineBookingRules } from './booking.rules.js';
import { defineContractRules } from './contract.rules.js';
import { defineDealRules } from './deal.rules.js';

/** The ad-sales rules: airtime reference data, deals, bookings (prices, caps, as-run, make-goods), contracts. */
export const adSalesRules: DomainRules = (store) => {
  defineAirtimeRules(store);
  defineDealRules(store);
  defineBookingRules(store);
  defineContractRules(store);
};
