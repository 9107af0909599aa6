import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { unprocessable } from '../../platform/errors.js';
import { guardianRefusal, isUnder14 } from './minor.policy.js';

const dayOf = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Contacts: `isMinor` is derived at every write from the birth date — the one given, or the stored one
 * (decrypted in memory by the store, `deriveFrom`) — so any change to a contact recomputes it; a minor
 * must name a guardian who is not a minor. The flag is never taken from a request.
 */
export function defineContactRules(store: ProtectedStore): void {
  store.defineRules('contacts', {
    deriveFrom: ['birthDate'],
    derive(rc, input, _previous, stored) {
      const birthDate = input.birthDate !== undefined ? (input.birthDate as string | null) : (stored.birthDate ?? null);
      return { isMinor: isUnder14(birthDate, dayOf(rc.now)) };
    },
    async beforeWrite(rc, next) {
      const guardianId = (next.guardianId as string | null) ?? null;
      const [guardian] = guardianId ? await rc.plainRows('contacts', { id: guardianId }) : [];
      const refusal = guardianRefusal({
        contactId: String(next.id),
        isMinor: next.isMinor === true,
        guardianId,
        guardianIsMinor: guardian ? guardian.isMinor === true : undefined,
      });
      if (refusal) throw unprocessable(refusal);
    },
  });
}
