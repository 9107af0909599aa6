import type { Config } from '../../config/load-config.js';

/**
 * When the next scheduled backup and drill are due, from the settings and the history: a backup
 * `everyHours` after the newest one started (good, running or failed: a failing target is not
 * retried in a loop), a drill `drillEveryDays` after the newest drill. Null when not scheduled.
 */
export interface ScheduleHistory {
  runs: { startedAt: string; kind: string }[];
  drills: { finishedAt: string }[];
}

const HOUR = 3_600_000;

export function nextDue(config: Config, history: ScheduleHistory, now = new Date()): { nextBackupAt: string | null; nextDrillAt: string | null } {
  const { everyHours, drillEveryDays } = config.backup;
  const newest = (times: string[]) => times.reduce((max, t) => Math.max(max, Date.parse(t)), Number.NEGATIVE_INFINITY);
  const lastRun = newest(history.runs.map((r) => r.startedAt));
  const lastDrill = newest(history.drills.map((d) => d.finishedAt));
  const at = (last: number, periodMs: number) => new Date(Number.isFinite(last) ? Math.max(last + periodMs, now.getTime()) : now.getTime()).toISOString();
  return {
    nextBackupAt: everyHours > 0 ? at(lastRun, everyHours * HOUR) : null,
    nextDrillAt: drillEveryDays > 0 ? at(lastDrill, drillEveryDays * 24 * HOUR) : null,
  };
}

export const isDue = (dueAt: string | null, now = new Date()): boolean => dueAt !== null && Date.parse(dueAt) <= now.getTime();
