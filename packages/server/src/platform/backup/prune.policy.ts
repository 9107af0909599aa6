/**
 * Which backups to keep (grandfather-father-son, like restic's `forget --keep-*`): every good backup
 * of the last `withinDays`; then the newest good backup of each of the last `daily` days, `weekly`
 * ISO weeks and `monthly` months that have one. The newest good backup is always kept, whatever the
 * settings. An unfinished backup (no manifest) older than a day is removed. On an append-only target
 * (object lock, WORM) only time decides: nothing younger than `withinDays` is removed, and the
 * daily / weekly / monthly buckets do not apply (a locked object cannot be removed early anyway).
 */
export interface KeepPolicy {
  withinDays: number;
  daily: number;
  weekly: number;
  monthly: number;
}

export interface PruneCandidate {
  sequence: number;
  state: 'good' | 'incomplete' | 'invalid' | 'pruned';
  /** The manifest's time (good backups) or the folder's (unfinished ones: taken from the run record; null when unknown). */
  createdAt: string | null;
}

export interface PruneDecision {
  keep: number[];
  /** Good backups whose chunks go (their manifest stays: the chain of manifests is never cut). */
  prune: number[];
  /** Unfinished folders removed whole. */
  removeIncomplete: number[];
}

const DAY = 86_400_000;

function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return `${d.getUTCFullYear()}-W${Math.ceil(((d.getTime() - yearStart) / DAY + 1) / 7)}`;
}

export function decidePrune(backups: PruneCandidate[], policy: KeepPolicy, now: Date, appendOnly: boolean): PruneDecision {
  const good = backups.filter((b) => b.state === 'good' && b.createdAt !== null).sort((a, b) => b.sequence - a.sequence);
  const keep = new Set<number>();
  const newest = good[0];
  if (newest) keep.add(newest.sequence);
  for (const b of good) if (now.getTime() - Date.parse(b.createdAt as string) < policy.withinDays * DAY) keep.add(b.sequence);
  if (!appendOnly) {
    const buckets: [number, (d: Date) => string][] = [
      [policy.daily, (d) => d.toISOString().slice(0, 10)],
      [policy.weekly, isoWeek],
      [policy.monthly, (d) => d.toISOString().slice(0, 7)],
    ];
    for (const [count, bucketOf] of buckets) {
      const seen = new Set<string>();
      for (const b of good) {
        if (seen.size >= count) break;
        const bucket = bucketOf(new Date(b.createdAt as string));
        if (seen.has(bucket)) continue;
        seen.add(bucket);
        keep.add(b.sequence);
      }
    }
  }
  const removeIncomplete = backups
    .filter((b) => b.state === 'incomplete' && b.createdAt !== null && now.getTime() - Date.parse(b.createdAt) > DAY)
    .map((b) => b.sequence);
  return {
    keep: [...keep].sort((a, b) => a - b),
    prune: good
      .filter((b) => !keep.has(b.sequence))
      .map((b) => b.sequence)
      .sort((a, b) => a - b),
    removeIncomplete,
  };
}
