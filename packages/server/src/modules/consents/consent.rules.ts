import type { ProtectedStore, Value } from '../../platform/data/protected-store.js';
import { conflict, unprocessable } from '../../platform/errors.js';
import { consentEntryRefusal } from './consent-entry.policy.js';
import { conflictResolutionRefusal } from './gpc-conflict.policy.js';

/**
 * The consent ledger is append-only: an entry is dated (now unless given), never changed — a
 * withdrawal or a renewed grant is a new entry, so the history of a person's consent is the ledger.
 * Who recorded it is the writing user (empty for the portal and GPC). Whether the person is under
 * 14 comes from the store's `isMinor` flag, derived from the sealed birth date inside the door: the
 * date itself is never read here.
 */
export function defineConsentRules(store: ProtectedStore): void {
  store.defineRules('consents', {
    derive(rc, input, previous): Record<string, Value> {
      if (previous) return {};
      const at = input.at === undefined || input.at === null ? rc.now.toISOString() : new Date(String(input.at)).toISOString();
      return { at, recordedBy: rc.actor.userId };
    },
    async beforeWrite(rc, next, previous) {
      if (previous)
        throw conflict('a consent is a ledger entry and is never changed: record a withdrawal or a new grant as a new entry (POST /api/v1/consents)');
      const noticeId = (next.noticeId as string | null) ?? null;
      const [notice] = noticeId ? await rc.plainRows('privacy_notices', { id: noticeId }) : [];
      const [person] = await rc.plainRows('contacts', { id: String(next.contactId) });
      const refusal = consentEntryRefusal(
        {
          status: next.status as 'granted' | 'withdrawn',
          at: String(next.at),
          expiresAt: (next.expiresAt as string | null) ?? null,
          purpose: String(next.purpose),
          channel: String(next.channel),
          lawfulBasis: (next.lawfulBasis as never) ?? 'consent',
          givenBy: (next.givenBy as 'subject' | 'guardian' | null) ?? 'subject',
          noticePurpose: notice ? String(notice.purpose) : undefined,
          subjectIsMinor: person?.isMinor === true,
        },
        rc.now,
      );
      if (refusal) throw unprocessable(refusal);
    },
    beforeDelete() {
      throw conflict('a consent is a ledger entry and is never deleted (erasure belongs to the data-subject request workflow)');
    },
  });

  store.defineRules('privacy_notices', {
    // The next version number of the purpose, under a lock so that two publications cannot take the same one.
    async derive(rc, input, previous): Promise<Record<string, Value>> {
      if (previous) return {};
      await rc.lock(`privacy_notices:${String(input.purpose)}`);
      const versions = await rc.plainRows('privacy_notices', { purpose: String(input.purpose) });
      const version = versions.reduce((max, row) => Math.max(max, Number(row.version ?? 0)), 0) + 1;
      return { version, publishedAt: rc.now.toISOString(), publishedBy: rc.actor.userId };
    },
    beforeWrite(_rc, _next, previous) {
      if (previous) throw conflict('a published privacy notice is never edited: publish a new version (POST /api/v1/privacy-notices)');
    },
    beforeDelete() {
      throw conflict('a published privacy notice is kept: consents given against it refer to it');
    },
  });

  store.defineRules('gpc_conflicts', {
    derive(rc, _input, previous): Record<string, Value> {
      return previous ? { resolvedAt: rc.now.toISOString(), resolvedBy: rc.actor.userId } : { status: 'open', resolutionConsentId: null };
    },
    async beforeWrite(rc, next, previous) {
      if (!previous) return;
      if (previous.status !== 'open') throw conflict('this GPC conflict is resolved already: its outcome is in the ledger');
      const [entry] = next.resolutionConsentId ? await rc.plainRows('consents', { id: String(next.resolutionConsentId) }) : [];
      const refusal = conflictResolutionRefusal({
        status: String(next.status),
        contactId: String(next.contactId),
        entry: entry
          ? { contactId: String(entry.contactId), conflictId: (entry.conflictId as string | null) ?? null, status: String(entry.status) }
          : undefined,
        conflictId: String(next.id),
      });
      if (refusal) throw unprocessable(refusal);
    },
    beforeDelete() {
      throw conflict('a GPC conflict is kept as evidence of how it was resolved');
    },
  });
}
