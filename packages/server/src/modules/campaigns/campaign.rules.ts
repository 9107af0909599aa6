import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { unprocessable } from '../../platform/errors.js';
import { campaignWriteRefusal } from './campaign.policy.js';

/** Campaigns: a campaign ends on or after the day it starts. */
export function defineCampaignRules(store: ProtectedStore): void {
  store.defineRules('campaigns', {
    beforeWrite(_rc, next) {
      const refusal = campaignWriteRefusal({ startDate: (next.startDate as string | null) ?? null, endDate: (next.endDate as string | null) ?? null });
      if (refusal) throw unprocessable(refusal);
    },
  });
}
