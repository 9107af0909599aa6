/**
 * A background job of the embedded mode: first run after `firstDelayMs`, then every `intervalMs`;
 * never keeps the process alive; a failure is reported, never thrown out of the timer.
 */
export function every(intervalMs: number, firstDelayMs: number, run: () => Promise<unknown>, onError: (error: Error) => void): { stop(): void } {
  const tick = () => {
    run().catch(onError);
  };
  const first = setTimeout(tick, firstDelayMs);
  const timer = setInterval(tick, intervalMs);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
