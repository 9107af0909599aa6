import { type ClockState, escalationPercents } from '@castellan/shared';
import { noRequest } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import type { Kernel } from '../kernel.js';
import type { Mailer } from '../notify/mailer.js';
import { clocksOf } from './breach-presenter.js';

/**
 * Escalation reminders of the breach clocks: each 50 / 75 / 90 % mark of each open clock is recorded
 * once — the insert of its `(breach, clock, percent)` key is the atomic claim, so parallel runs (two
 * nodes, two timers) record it and audit it exactly once — and mailed once: a reminder is claimed for
 * mailing by one conditional update (mailed 0 → 1) and released if the mail fails. The mail names the
 * incident id, the clock and the due time: never a personal value.
 */
export interface EscalationResult {
  checked: number;
  recorded: { breachId: string; clock: string; percent: number }[];
  mailed: number;
}

const marksUpTo = (clock: ClockState) => escalationPercents.filter((p) => clock.escalation !== null && p <= clock.escalation);

export async function recordEscalations(kernel: Kernel, actor: Actor, now = new Date()): Promise<Omit<EscalationResult, 'mailed'>> {
  const rows = await kernel.db.kysely.selectFrom('breaches').selectAll().where('status', '!=', 'closed').execute();
  const recorded: EscalationResult['recorded'] = [];
  for (const row of rows) {
    for (const clock of clocksOf(row, kernel.config.incidents.operatorKind, now)) {
      if (clock.status === 'reported') continue;
      for (const percent of marksUpTo(clock)) {
        const won = await kernel.transaction(async (tx) => {
          const inserted = await tx.trx
            .insertInto('breach_escalations')
            .values({ breach_id: row.id, clock: clock.kind, percent, at: nowIso(), mailed: 0 })
            .onConflict((oc) => oc.columns(['breach_id', 'clock', 'percent']).doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
          await tx.audit(actor, noRequest, {
            action: 'breach.escalated',
            outcome: 'success',
            resource: 'breaches',
            resourceId: row.id,
            detail: { clock: clock.kind, percent, dueAt: clock.dueAt },
          });
          return true;
        });
        if (won) recorded.push({ breachId: row.id, clock: clock.kind, percent });
      }
    }
  }
  return { checked: rows.length, recorded };
}

/** The reminder mail: ids, clock names and times only. */
export function escalationMail(publicUrl: string, breachId: string, clock: string, percent: number, dueAt: string): { subject: string; text: string } {
  return {
    subject: `[Castellan] incident ${breachId}: ${clock} clock at ${percent} % / 事件报告时限已过 ${percent}%`,
    text: [
      `Incident ${breachId}: ${percent} % of the ${clock} reporting window has passed; due ${dueAt}.`,
      `事件 ${breachId}：${clock} 报告时限已过 ${percent}%，截止时间 ${dueAt}。`,
      `${publicUrl}/incidents/${breachId}`,
    ].join('\n'),
  };
}

/** Mails every recorded, not yet mailed reminder once (claimed by a conditional update; released on failure). */
export async function mailEscalations(kernel: Kernel, mailer: Mailer, now = new Date()): Promise<number> {
  const to = kernel.config.incidents.mailTo;
  if (!mailer.configured || to.length === 0) return 0;
  const pending = await kernel.db.kysely.selectFrom('breach_escalations').selectAll().where('mailed', '=', 0).execute();
  let mailed = 0;
  for (const reminder of pending) {
    const key = (q: any) => q.where('breach_id', '=', reminder.breach_id).where('clock', '=', reminder.clock).where('percent', '=', reminder.percent);
    const claimed = await key(kernel.db.kysely.updateTable('breach_escalations').set({ mailed: 1 }).where('mailed', '=', 0)).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const breach = await kernel.db.kysely.selectFrom('breaches').selectAll().where('id', '=', reminder.breach_id).executeTakeFirst();
    const clock = breach ? clocksOf(breach, kernel.config.incidents.operatorKind, now).find((c) => c.kind === reminder.clock) : undefined;
    const mail = escalationMail(kernel.config.publicUrl, reminder.breach_id, reminder.clock, reminder.percent, clock?.dueAt ?? '');
    try {
      for (const address of to) await mailer.send(address, mail.subject, mail.text);
      mailed++;
    } catch (error) {
      await key(kernel.db.kysely.updateTable('breach_escalations').set({ mailed: 0 }).where('mailed', '=', 1)).execute();
      throw error;
    }
  }
  return mailed;
}
