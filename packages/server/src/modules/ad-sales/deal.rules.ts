import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { unprocessable } from '../../platform/errors.js';

const advertiserKinds = new Set(['advertiser', 'brand']);

/** Deals: the flight runs forwards; the advertiser is an advertiser (or brand), the agency an agency. */
export function defineDealRules(store: ProtectedStore): void {
  store.defineRules('deals', {
    async beforeWrite(rc, next, previous) {
      if (next.flightStart && next.flightEnd && String(next.flightStart) > String(next.flightEnd)) {
        throw unprocessable(`the flight ends (${next.flightEnd}) before it starts (${next.flightStart})`);
      }
      if (!previous || previous.accountId !== next.accountId) {
        const [account] = await rc.plainRows('accounts', { id: String(next.accountId) });
        if (account && !advertiserKinds.has(String(account.kind)))
          throw unprocessable(`accountId names an account of kind ${account.kind}, not an advertiser or brand`);
      }
      if (next.agencyId && (!previous || previous.agencyId !== next.agencyId)) {
        const [agency] = await rc.plainRows('accounts', { id: String(next.agencyId) });
        if (agency && agency.kind !== 'agency') throw unprocessable(`agencyId names an account of kind ${agency.kind}, not an agency`);
      }
    },
  });
}
