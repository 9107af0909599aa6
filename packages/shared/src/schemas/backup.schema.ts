import { z } from 'zod';

/**
 * Response shapes of /api/v1/backups (they appear in OpenAPI): runs with their per-target outcome,
 * restore drills with their checks and RTO / RPO, the schedule and retention of backups, and what a
 * target holds. Counts, sizes, times and ids only: no value of a record.
 */
export const backupTargetOutcome = z.object({
  target: z.string(),
  ok: z.boolean(),
  retries: z.number().int(),
  failure: z.string().optional(),
});

export const backupRunView = z.object({
  id: z.string(),
  sequence: z.number().int(),
  kind: z.string(),
  status: z.string().describe('running, good, failed or interrupted'),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  keyMode: z.string().describe('master (sealed under the master key), x25519 or sm2 (sealed to the backup public key of that kind)'),
  rows: z.number().int(),
  bytes: z.number().int(),
  chunks: z.number().int(),
  targets: z.array(backupTargetOutcome),
  failure: z.string().nullable(),
});

export const backupDrillView = z.object({
  id: z.string(),
  backupId: z.string().nullable(),
  sequence: z.number().int().nullable(),
  kind: z.string(),
  status: z.enum(['passed', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string(),
  rtoMs: z.number().int().nullable(),
  rpoSeconds: z.number().int().nullable(),
  checks: z.array(
    z.object({
      name: z.string(),
      ok: z.boolean(),
      /** English; the screens say it in the reader's language from `facts` when these are given. */
      detail: z.string(),
      facts: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    }),
  ),
  failure: z.string().nullable(),
  signature: z.string(),
});

export const backupOverview = z.object({
  runs: z.array(backupRunView),
  drills: z.array(backupDrillView),
  targets: z.array(z.object({ name: z.string(), kind: z.enum(['local', 'sftp', 's3']), appendOnly: z.boolean() })),
  keyMode: z.enum(['master', 'x25519', 'sm2']),
  schedule: z.object({
    backupEveryHours: z.number().int().describe('0: no scheduled backups'),
    drillEveryDays: z.number().int().describe('0: no scheduled drills'),
    keep: z.object({ withinDays: z.number().int(), daily: z.number().int(), weekly: z.number().int(), monthly: z.number().int() }),
    nextBackupAt: z.string().nullable(),
    nextDrillAt: z.string().nullable(),
  }),
});

export const backupTargetListing = z.object({
  target: z.string(),
  items: z.array(
    z.object({
      sequence: z.number().int(),
      backupId: z.string(),
      state: z.enum(['good', 'incomplete', 'invalid', 'pruned']),
      createdAt: z.string().nullable(),
      rows: z.number().int().nullable(),
      bytes: z.number().int().nullable(),
      problem: z.string().optional(),
    }),
  ),
});
