import { readFileSync } from 'node:fs';
import type { Config } from '../config/load-config.js';
import { type App, buildApp } from '../http/build-app.js';
import { startBackupJob } from '../modules/backups/backup.job.js';
import { startBreachEscalationJob } from '../modules/breaches/breach-escalation.job.js';
import { startCaseEscalationJob } from '../modules/cases/case-escalation.job.js';
import { domainStore } from '../modules/domain-store.js';
import { PrivacyRequestDesk } from '../modules/privacy-requests/privacy-request-desk.js';
import { startPrivacyReminderJob } from '../modules/privacy-requests/privacy-request-reminders.job.js';
import { startRetentionJob } from '../modules/retention/retention.job.js';
import { startCheckpointJob } from '../platform/audit/checkpoints.js';
import { siemSyslogSettings } from '../platform/audit/siem/siem-config.js';
import { startAuditMaintenance } from '../platform/jobs/audit-maintenance.js';
import { startDormantAccountsJob } from '../platform/jobs/dormant-accounts.js';
import { startRoleMatrixRefresh } from '../platform/jobs/role-matrix-refresh.js';
import { startRotationWorker } from '../platform/jobs/rotation-worker.js';
import { startSiemShipperJob } from '../platform/jobs/siem-shipper.js';
import { openKernel } from '../platform/kernel.js';
import { createMailer } from '../platform/notify/mailer.js';

export interface RunningServer {
  app: App;
  url: string;
  close(): Promise<void>;
}

function readTls(config: Config): { key: Buffer; cert: Buffer } {
  try {
    return { key: readFileSync(config.tls.keyFile), cert: readFileSync(config.tls.certFile) };
  } catch {
    throw new Error(`cannot read the TLS certificate or key (CASTELLAN_TLS_CERT_FILE=${config.tls.certFile}, CASTELLAN_TLS_KEY_FILE=${config.tls.keyFile})`);
  }
}

/** Opens the kernel (migrating, checking the master key), serves HTTPS, runs the background jobs. */
export async function startServer(config: Config): Promise<RunningServer> {
  const tls = readTls(config);
  const siemSettings = siemSyslogSettings(config);
  const kernel = await openKernel(config);
  let app: App;
  try {
    app = await buildApp(kernel, { https: tls });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await kernel.close();
    throw error;
  }
  const worker = startRotationWorker(kernel, app.log);
  const dormant = startDormantAccountsJob(kernel, app.log);
  const escalation = startCaseEscalationJob(domainStore(kernel), app.log);
  const breaches = startBreachEscalationJob(kernel, createMailer(config), app.log);
  const jobStore = domainStore(kernel);
  const privacyReminders = startPrivacyReminderJob(jobStore, new PrivacyRequestDesk(kernel, jobStore, createMailer(kernel.config)), app.log);
  const roles = startRoleMatrixRefresh(kernel, app.log);
  const auditMaintenance = startAuditMaintenance(kernel, app.log);
  const retention = startRetentionJob(kernel, app.log);
  const backups = startBackupJob(kernel, app.log);
  const siem = siemSettings ? startSiemShipperJob(kernel, app.log, siemSettings) : undefined;
  const checkpoints = startCheckpointJob(kernel, (error) => app.log.error({ err: { type: error.name } }, 'audit checkpoint failed'));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `https://localhost:${port}`,
    close: () => {
      closing ??= (async () => {
        dormant.stop();
        escalation.stop();
        breaches.stop();
        privacyReminders.stop();
        roles.stop();
        auditMaintenance.stop();
        retention.stop();
        backups.stop();
        await worker.stop();
        await siem?.stop();
        await app.close();
        await checkpoints.stop();
        await kernel.close();
      })();
      return closing;
    },
  };
}
