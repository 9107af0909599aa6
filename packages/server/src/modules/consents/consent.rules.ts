import type { ProtectedStore, Value } from '../../platform/data/protected-store.js';
import { conflict, unprocessable } from '../../platform/errors.js';
import { consentEntryRefusal } from './consent-entry.policy.js';

/**
 * The consent ledger is append-only: an entry is dated (now unless given), never changed — a
 * withdrawal or a renewed grant is a new entry, so the history of a person's consent is the ledger.
 */
export function defineConsentRules(store: ProtectedStore): void {
  store.defineRules('consents', {
    derive(rc, input, previous): Record<string, Value> {
      if (previous) return {};
      return input.at === undefined || input.at === null ? { at: rc.now.toISOString() } : { at: new Date(String(input.at)).toISOString() };
    },
    beforeWrite(rc, next, previous) {
      if (previous)
        throw conflict('a consent is a ledger entry and is never changed: record a withdrawal or a new grant as a new entry (POST /api/v1/consents)');
      const refusal = consentEntryRefusal(
        { status: next.status as 'granted' | 'withdrawn', at: String(next.at), expiresAt: (next.expiresAt as string | null) ?? null },
        rc.now,
      );
      if (refusal) throw unprocessable(refusal);
    },
  });
}
