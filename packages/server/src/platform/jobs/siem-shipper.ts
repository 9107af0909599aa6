import type { FastifyBaseLogger } from 'fastify';
import { type AuditEventSink, SiemShipError, shipAuditEvents } from '../audit/siem/shipper.js';
import { type SiemSyslogSettings, siemSyslogSink } from '../audit/siem/siem-config.js';
import type { Kernel } from '../kernel.js';

/** Longest wait between two attempts while the receiver is down. */
const MAX_BACKOFF_MS = 60_000;
/** Batches per round, so that a long catch-up still yields and stops promptly. */
const BATCHES_PER_ROUND = 20;

export interface SiemShipperJob {
  /** Stops the timer and cancels a batch in flight (it is not counted as shipped). */
  stop(): Promise<void>;
}

/**
 * In-process background job: every CASTELLAN_SIEM_INTERVAL_SECONDS, ships the audit events after
 * the cursor to the syslog receiver. Requests never wait for it. When the receiver is down the job
 * logs, backs off (interval × 2ⁿ, at most a minute) and retries from the same cursor; it never
 * skips an event and never throws out of its timer.
 */
export function startSiemShipperJob(
  kernel: Kernel,
  log: FastifyBaseLogger,
  settings: SiemSyslogSettings,
  sink: AuditEventSink = siemSyslogSink(settings),
): SiemShipperJob {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<void> | null = null;
  let failures = 0;

  const runOnce = () => shipAuditEvents(kernel.db.kysely, sink, { maxBatches: BATCHES_PER_ROUND, signal: abort.signal });

  const schedule = (ms: number) => {
    if (abort.signal.aborted) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    if (busy || abort.signal.aborted) return;
    busy = runOnce()
      .then((report) => {
        if (failures > 0) log.info({ siem: sink.description, shipped: report.shipped, lastSeq: report.lastSeq }, 'SIEM shipping resumed');
        failures = 0;
        return report.caughtUp ? settings.intervalMs : 0;
      })
      .catch((error: unknown) => {
        if (abort.signal.aborted) return settings.intervalMs;
        failures += 1;
        const retryMs = Math.min(MAX_BACKOFF_MS, settings.intervalMs * 2 ** Math.min(failures - 1, 16));
        const lastSeq = error instanceof SiemShipError ? error.lastSeq : undefined;
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
        log.warn(
          { siem: sink.description, failures, lastSeq, retryInSeconds: retryMs / 1000, err: { message: cause } },
          'SIEM shipping failed; will retry from the same event',
        );
        return retryMs;
      })
      .then((delay) => {
        busy = null;
        schedule(delay);
      });
  };

  log.info({ siem: sink.description, facility: settings.facility, intervalSeconds: settings.intervalMs / 1000 }, 'shipping audit events to the SIEM');
  schedule(0);
  return {
    async stop() {
      abort.abort();
      if (timer) clearTimeout(timer);
      await busy;
    },
  };
}
