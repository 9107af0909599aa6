import { isOverdue, reminderStage } from '@castellan/shared';
import type { FastifyBaseLogger } from 'fastify';
import { noRequest } from '../../platform/audit/audit-event.js';
import { asSystem } from '../../platform/data/as-system.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { every } from '../../platform/jobs/periodic-job.js';
import type { PrivacyRequestDesk } from './privacy-request-desk.js';

/** How often the embedded server checks request deadlines. */
export const privacyReminderIntervalMs = 15 * 60_000;

const open = ['verified', 'in_progress', 'awaiting_requester'];

/**
 * Every open request whose reminder stage or overdue flag is behind its clock is rewritten through
 * the store (the rules derive both from the deadline engine; audited as record.updated) and a
 * history row records the reminder or the overdue mark. Nothing is closed: an overdue request stays
 * open, first in the officer's list, until someone answers it. Each new reminder or overdue mark is
 * mailed to the assignee (reference and due time only). Only counts reach the log.
 */
export async function markRemindersAndOverdue(store: ProtectedStore, desk: PrivacyRequestDesk, now = new Date(), log?: FastifyBaseLogger) {
  const actor = asSystem('privacy request reminder job');
  const clocks = await store.aggregate(actor, 'privacy_requests', { groupBy: ['id', 'status', 'dueAt', 'reminderStage', 'overdue', 'ownerId'] });
  let reminded = 0;
  let overdue = 0;
  let mailed = 0;
  for (const c of clocks) {
    if (!open.includes(String(c.status)) || !c.dueAt) continue;
    const due = new Date(String(c.dueAt));
    const stage = reminderStage(due, now);
    const late = isOverdue(due, String(c.status), now);
    if (stage <= Number(c.reminderStage ?? 0) && late === (c.overdue === true)) continue;
    const news = await store.inTransaction(async (unit, tx) => {
      const updated = await unit.update(actor, noRequest, 'privacy_requests', String(c.id), {});
      const reminder = Number(updated.reminderStage) > Number(c.reminderStage ?? 0);
      const lateNow = updated.overdue === true && c.overdue !== true;
      if (reminder) {
        reminded += 1;
        await desk.history.append(tx, actor, String(c.id), 'reminder', String(c.status), String(c.status), { stage: Number(updated.reminderStage) });
      }
      if (lateNow) {
        overdue += 1;
        await desk.history.append(tx, actor, String(c.id), 'overdue', String(c.status), String(c.status));
      }
      return { reminder, lateNow };
    });
    // After the commit: a mail is sent once per recorded reminder or overdue mark (the next run finds the stage already set).
    if (news.reminder || news.lateNow) {
      const owner = typeof c.ownerId === 'string' ? c.ownerId : null;
      if (await desk.remindAssignee(String(c.id), owner, String(c.dueAt), news.lateNow, log)) mailed += 1;
    }
  }
  return { checked: clocks.length, reminded, overdue, mailed };
}

export function startPrivacyReminderJob(store: ProtectedStore, desk: PrivacyRequestDesk, log: FastifyBaseLogger, intervalMs = privacyReminderIntervalMs) {
  const runOnce = async () => {
    const result = await markRemindersAndOverdue(store, desk, new Date(), log);
    if (result.reminded || result.overdue) log.warn(result, 'privacy request reminders and overdue marks recorded');
    return result;
  };
  const job = every(intervalMs, 60_000, runOnce, (error) => log.error({ err: { type: error.name } }, 'privacy request reminder job failed'));
  return { stop: job.stop, runOnce };
}
