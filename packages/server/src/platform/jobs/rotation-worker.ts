import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { completeRotation, refreshDataKeys, runningRotation } from '../crypto/key-rotation.js';
import { asSystem } from '../data/as-system.js';
import type { Kernel } from '../kernel.js';

/**
 * In-process background job of the embedded mode: picks up new data key versions made by another
 * process (`castellan keys rotate`) and finishes any running rotation, resuming after a crash.
 */
export function startRotationWorker(kernel: Kernel, log: FastifyBaseLogger, intervalMs = 2000): { stop(): Promise<void> } {
  const workerId = `server-${randomUUID()}`;
  const actor = asSystem('background key rotation');
  let busy: Promise<void> | null = null;
  let stopped = false;
  const tick = async () => {
    await refreshDataKeys(kernel);
    const rotation = await runningRotation(kernel);
    if (!rotation || stopped) return;
    log.info({ rotation: rotation.id, toVersion: rotation.to_version }, 'resuming key rotation');
    await completeRotation(kernel, actor, rotation.id, {
      workerId,
      batchSize: kernel.config.rotationBatch,
      leaseMs: kernel.config.rotationLeaseMs,
      shouldStop: () => stopped,
    }).catch((error: Error) => {
      if (!/lease/.test(error.message)) throw error;
    });
    log.info({ rotation: rotation.id }, 'key rotation finished');
  };
  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = tick()
      .catch((error: Error) => log.error({ err: { type: error.name, message: error.message } }, 'key rotation worker failed'))
      .finally(() => {
        busy = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
    },
  };
}
