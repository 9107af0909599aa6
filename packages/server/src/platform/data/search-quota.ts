import { sql, type Transaction } from 'kysely';
import type { AuditEventInput } from '../audit/audit-event.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';

/**
 * The per-user quota on searches by a field the user sees masked (a masked value is otherwise an
 * oracle: `+86138****8000` leaves 10⁴ candidates to try). One counter per user and window, changed
 * only by one conditional upsert — atomic on SQLite and PostgreSQL, so parallel requests and several
 * app nodes share it. Fixed windows: the UTC minute and the UTC day.
 */
export type QuotaSpan = 'minute' | 'day';

export interface QuotaLimits {
  perMinute: number;
  perDay: number;
}

export interface QuotaRefusal {
  span: QuotaSpan;
  limit: number;
  retryAfterSeconds: number;
}

const spanMs: Record<QuotaSpan, number> = { minute: 60_000, day: 86_400_000 };

/**
 * Counts one masked search in each window, or returns the window whose limit is reached. On a
 * refusal the caller rolls its transaction back, so a refused search costs nothing (the minute
 * counted before a full day is undone too).
 */
export async function takeMaskedSearch(trx: Transaction<Database>, userId: string, limits: QuotaLimits, now = Date.now()): Promise<QuotaRefusal | null> {
  for (const [span, limit] of [
    ['minute', limits.perMinute],
    ['day', limits.perDay],
  ] as const) {
    const bucket = Math.floor(now / spanMs[span]);
    // A row of an older window starts again at 1; a row of the current (or, from a node whose clock
    // is behind, a newer) window counts up while below the limit; at the limit nothing is returned.
    const taken = await trx
      .insertInto('search_quota')
      .values({ user_id: userId, span, bucket, used: 1 })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'span'])
          .doUpdateSet({
            used: sql<number>`CASE WHEN search_quota.bucket < excluded.bucket THEN 1 ELSE search_quota.used + 1 END`,
            bucket: sql<number>`CASE WHEN search_quota.bucket < excluded.bucket THEN excluded.bucket ELSE search_quota.bucket END`,
          })
          .where(sql<boolean>`search_quota.bucket < excluded.bucket OR search_quota.used < ${limit}`),
      )
      .returning('used')
      .executeTakeFirst();
    if (!taken) return { span, limit, retryAfterSeconds: Math.max(1, Math.ceil(((bucket + 1) * spanMs[span] - now) / 1000)) };
  }
  return null;
}

/** Thrown inside the search transaction to roll it back (a refused search counts nothing). */
export class SearchQuotaExceeded extends Error {
  constructor(readonly refusal: QuotaRefusal) {
    super(`masked-search quota reached (${refusal.span})`);
    this.name = 'SearchQuotaExceeded';
  }
}

/** The audit event of a refused search (appended in a transaction of its own, after the rollback). */
export function refusedSearchEvent(resource: string, field: string, refusal: QuotaRefusal): AuditEventInput {
  return {
    action: 'personal_data.search',
    outcome: 'refused',
    resource,
    fields: [field],
    detail: { searchedBy: field, searchedMasked: true, quota: refusal.span, limit: refusal.limit },
  };
}

/** 429 rate_limited, with the wait in `details.retryAfterSeconds` (and the Retry-After header). */
export function searchRateLimited(refusal: QuotaRefusal): AppError {
  const { span, limit, retryAfterSeconds } = refusal;
  return new AppError('rate_limited', 429, `too many searches by fields you see masked (at most ${limit} a ${span}); try again in ${retryAfterSeconds} s`, {
    quota: span,
    limit,
    retryAfterSeconds,
  });
}
