/** How long to wait before each new try of a module that failed to load (three more tries in all). */
export const MODULE_RETRY_DELAYS_MS: readonly number[] = [500, 2_000, 5_000];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A module load (a dynamic `import()` of a page's or a panel's code) that is tried again after a
 * failed fetch: a dropped connection must not leave a blank screen until the person reloads.
 * Chromium fetches a module again when a failed dynamic import is repeated (checked by the browser
 * test "the page's code is fetched again after a failed load"); React.lazy and the router remember a
 * rejection, so the retry has to happen inside the load. The last failure is passed on.
 */
export function withRetry<T>(load: () => Promise<T>, delays: readonly number[] = MODULE_RETRY_DELAYS_MS, wait = sleep): () => Promise<T> {
  return async () => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await load();
      } catch (error) {
        const delay = delays[attempt];
        if (delay === undefined) throw error;
        await wait(delay);
      }
    }
  };
}

/**
 * Whether an error is a module that could not be fetched (each browser words it its own way; Vite's
 * preload of a chunk's CSS too), as opposed to code that failed while drawing: the screens say which.
 */
export function isModuleLoadFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error ?? '');
  return /dynamically imported module|Importing a module script failed|Unable to preload CSS/i.test(message);
}

/** The i18n keys of the message for a part of the page that failed: could not load, or failed while drawing. */
export function failureKeys(error: unknown): { title: string; next: string } {
  return isModuleLoadFailure(error)
    ? { title: 'common:loadFailed.title', next: 'common:loadFailed.next' }
    : { title: 'common:loadFailed.brokenTitle', next: 'common:loadFailed.brokenNext' };
}
