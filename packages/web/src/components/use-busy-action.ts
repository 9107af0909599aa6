import { useCallback, useState } from 'react';

/**
 * An action a button starts: `busy` while it runs, the error it threw (for an ErrorNotice) cleared
 * when it runs again. `run` answers the work's result, or undefined when it threw.
 */
export function useBusyAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (cause) {
      setError(cause);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
