import { backupDrillView, backupOverview, backupRunView, backupTargetListing, errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { signingKeyTrust } from '../../platform/audit/signing-keys.js';
import { readBackupHistory } from '../../platform/backup/backup-records.js';
import { createBackup } from '../../platform/backup/create-backup.js';
import { listBackups } from '../../platform/backup/read-backup.js';
import { notFound } from '../../platform/errors.js';
import { requireFreshSecondFactor } from '../../platform/identity/second-factor.js';
import type { Kernel } from '../../platform/kernel.js';
import { nextDue } from './backup-schedule.js';
import { backupPublicKey, keyModeOf, withTargets } from './backup-targets.js';
import { runRestoreDrill } from './restore-drill.js';

const tags = ['backups'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };

/**
 * Backups for the operator's screen: the history of runs (per target), the restore drills with their
 * evidence, the schedule and retention, what a target holds; taking a backup or running a drill now
 * (each needs a fresh second factor). Restore is never an API call: it is `castellan backup restore`.
 */
export function backupsRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/backups', {
    config: { access: { permission: 'backups.read' } },
    schema: { tags, summary: 'Backup runs, restore drills, targets, schedule and retention', response: { 200: backupOverview, ...errors } },
    handler: async () => {
      const history = await readBackupHistory(kernel);
      const { backup } = kernel.config;
      return {
        ...history,
        targets: await withTargets(kernel.config, async (all) => all.map((t) => ({ name: t.name, kind: t.kind, appendOnly: t.appendOnly }))),
        keyMode: keyModeOf(kernel.config),
        schedule: {
          backupEveryHours: backup.everyHours,
          drillEveryDays: backup.drillEveryDays,
          keep: backup.keep,
          ...nextDue(kernel.config, history),
        },
      };
    },
  });

  r.get('/api/v1/backups/targets/:name', {
    config: { access: { permission: 'backups.read' } },
    schema: {
      tags,
      summary: 'The backups a target holds, oldest first, each finished and signed, unfinished, pruned or invalid',
      params: z.object({ name: z.string().max(64) }),
      response: { 200: backupTargetListing, ...errors },
    },
    handler: async (request) => {
      return withTargets(kernel.config, async (targets) => {
        const target = targets.find((t) => t.name === request.params.name);
        if (!target) throw notFound('backup target');
        return { target: target.name, items: await listBackups(target, await signingKeyTrust(kernel)) };
      });
    },
  });

  r.post('/api/v1/backups', {
    config: { access: { permission: 'backups.manage' } },
    schema: { tags, summary: 'Take a backup now, to every target (needs a fresh second factor)', response: { 201: backupRunView, ...errors } },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      requireFreshSecondFactor(actor, 'a backup');
      const run = await withTargets(kernel.config, (targets) =>
        createBackup(kernel, actor, requestContext(request), targets, { kind: 'manual', publicKey: backupPublicKey(kernel.config) }),
      );
      const recorded = (await readBackupHistory(kernel, 5)).runs.find((x) => x.id === run.id);
      if (!recorded) throw notFound('backup run');
      return reply.status(201).send(recorded);
    },
  });

  r.post('/api/v1/backups/drills', {
    config: { access: { permission: 'backups.manage' } },
    schema: {
      tags,
      summary: 'Run a restore drill now on the newest backup of the first target (needs a fresh second factor)',
      response: { 201: backupDrillView, ...errors },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      requireFreshSecondFactor(actor, 'a restore drill');
      const drill = await withTargets(kernel.config, async (targets) => {
        const target = targets[0];
        if (!target) throw notFound('backup target');
        return runRestoreDrill(kernel, actor, requestContext(request), target, { kind: 'manual' });
      });
      const recorded = (await readBackupHistory(kernel, 5)).drills.find((d) => d.id === drill.drillId);
      if (!recorded) throw notFound('restore drill');
      return reply.status(201).send(recorded);
    },
  });
}
