import { extensionAllowed, isOverdue, type PrivacyLaw, type PrivacyRequestStatus, piplCalendar, reminderStage, requestDeadline } from '@castellan/shared';
import type { PlainRecord, ProtectedStore, RuleContext, Value } from '../../platform/data/protected-store.js';
import { AppError, conflict } from '../../platform/errors.js';
import { requestWriteRefusal } from './privacy-request-status.policy.js';

const finished: ReadonlySet<string> = new Set(['completed', 'refused']);

/** Two officers acting on one request at once must not both win: writes are serialised and re-read. */
async function assertUnchanged(rc: RuleContext, previous: PlainRecord): Promise<void> {
  await rc.lock(`privacy_requests:${previous.id}`);
  const [fresh] = await rc.plainRows('privacy_requests', { id: String(previous.id) });
  const same = fresh && Object.keys(previous).every((name) => fresh[name] === previous[name]);
  if (fresh && !same) throw conflict('the request was changed meanwhile by someone else: read it again and retry');
}

const text = (value: Value | undefined): boolean => typeof value === 'string' && value.trim() !== '';
const timeOf = (value: Value | undefined): Date | null => (typeof value === 'string' && value ? new Date(value) : null);

/** The clock fields a write leads to: verification starts the clock, waiting for the person pauses it. */
function clockAfter(previous: PlainRecord | undefined, status: PrivacyRequestStatus, now: Date) {
  const before = (previous?.status as PrivacyRequestStatus | undefined) ?? undefined;
  let verifiedAt = timeOf(previous?.verifiedAt);
  if (status === 'verified' && before !== 'verified') verifiedAt ??= now;
  let pausedSince = timeOf(previous?.pausedSince);
  let pausedSeconds = Number(previous?.pausedSeconds ?? 0);
  if (status === 'awaiting_requester') pausedSince ??= now;
  else if (pausedSince) {
    pausedSeconds += Math.max(0, Math.round((now.getTime() - pausedSince.getTime()) / 1000));
    pausedSince = null;
  }
  return { verifiedAt, pausedSince, pausedSeconds };
}

/**
 * Data-subject requests: the status table (privacy-request-status.policy.ts) before every write; the
 * clock derived at every write from the deadline engine (packages/shared/src/privacy): it starts at
 * verification, stands still while waiting for the person, moves once by the law's extension; the
 * reminder stage and the overdue flag follow from it. A deadline passing never closes a request.
 */
export function definePrivacyRequestRules(store: ProtectedStore, controllerTimeZone: string): void {
  store.defineRules('privacy_requests', {
    async derive(rc, input, previous): Promise<Record<string, Value>> {
      if (previous) await assertUnchanged(rc, previous);
      const now = rc.now;
      const status = ((input.status as PrivacyRequestStatus | undefined) ?? previous?.status ?? 'unverified') as PrivacyRequestStatus;
      const law = ((input.law as PrivacyLaw | undefined) ?? previous?.law) as PrivacyLaw;
      if (previous?.extended === true && (input.extended !== undefined || input.extensionReason !== undefined)) {
        throw conflict('the deadline was already extended once: the law allows one extension');
      }
      const extended = input.extended === true || previous?.extended === true;
      if (extended && previous?.extended !== true && !text(input.extensionReason)) {
        throw new AppError('unprocessable', 422, 'give the reason for the extension: it is told to the person');
      }
      const hasResponse = 'response' in input ? text(input.response) : previous?.hasResponse === true;
      if (previous && finished.has(String(previous.status))) {
        if (Object.values(input).some((v) => v !== undefined)) throw conflict(`the request is ${previous.status}: it can no longer be changed`);
        return { hasResponse };
      }
      const clock = clockAfter(previous, status, now);
      const pauses = [
        ...(clock.pausedSeconds > 0 ? [{ from: new Date(0), to: new Date(clock.pausedSeconds * 1000) }] : []),
        ...(clock.pausedSince ? [{ from: clock.pausedSince, to: null }] : []),
      ];
      const deadline =
        extended && !extensionAllowed(law)
          ? null
          : requestDeadline({ law, verifiedAt: clock.verifiedAt, extended, pauses, controllerTimeZone, now }, piplCalendar);
      const dueAt = deadline?.dueAt ?? null;
      const closing = finished.has(status);
      return {
        receivedAt: previous ? String(previous.receivedAt) : now.toISOString(),
        verifiedAt: clock.verifiedAt?.toISOString() ?? null,
        pausedSince: clock.pausedSince?.toISOString() ?? null,
        pausedSeconds: clock.pausedSeconds,
        dueAt: dueAt?.toISOString() ?? null,
        dueDay: deadline?.dueDay ?? null,
        reminderStage: dueAt && !closing ? Math.max(Number(previous?.reminderStage ?? 0), reminderStage(dueAt, now)) : Number(previous?.reminderStage ?? 0),
        overdue: isOverdue(dueAt, status, now),
        closedAt: closing ? now.toISOString() : null,
        hasResponse,
      } satisfies Record<string, Value>;
    },
    beforeWrite(_rc, next, previous) {
      const facts = (r: PlainRecord) => ({
        status: r.status as PrivacyRequestStatus,
        extended: r.extended === true,
        extensionAllowed: extensionAllowed(r.law as PrivacyLaw),
        hasResponse: r.hasResponse === true,
      });
      const refusal = requestWriteRefusal(facts(next), previous ? facts(previous) : undefined);
      if (refusal) throw new AppError(refusal.status === 409 ? 'conflict' : 'unprocessable', refusal.status, refusal.message);
      if (previous && next.law !== previous.law) throw conflict('the law of a request cannot change once it is made');
      if (previous && next.kind !== previous.kind) throw conflict('the kind of a request cannot change once it is made');
    },
  });
}
