/** Statuses in which a request is finished: its clock no longer matters. */
export const finishedRequestStatuses = ['completed', 'refused'] as const;

/** Reminders before the due date: a week, three days and one day ahead. */
export const reminderOffsetsHours = [168, 72, 24] as const;

/** The instants at which the reminders fall due, earliest first. */
export function reminderTimes(dueAt: Date): Date[] {
  return reminderOffsetsHours.map((h) => new Date(dueAt.getTime() - h * 3_600_000));
}

/** How many reminders have fallen due by now (0 to 3): the job records each stage once. */
export function reminderStage(dueAt: Date, now: Date): number {
  return reminderTimes(dueAt).filter((t) => t.getTime() <= now.getTime()).length;
}

/** A request is overdue once its due instant has passed and it is not finished; it is never closed by that. */
export function isOverdue(dueAt: Date | null, status: string, now: Date): boolean {
  if (!dueAt) return false;
  if ((finishedRequestStatuses as readonly string[]).includes(status)) return false;
  return now.getTime() > dueAt.getTime();
}
