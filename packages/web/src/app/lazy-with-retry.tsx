import { type ComponentType, lazy } from 'react';
import { withRetry } from './load-with-retry';

/**
 * React.lazy over a load that is retried (withRetry). React.lazy keeps a rejection for good, so when
 * the last try fails a fresh lazy component takes its place: the LoadBoundary's "Try again" renders
 * it, and it fetches again.
 */
export function lazyWithRetry<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  const fresh = () =>
    lazy(() =>
      withRetry(load)().catch((error: unknown) => {
        current = fresh();
        throw error;
      }),
    );
  let current = fresh();
  // biome-ignore lint/correctness/noComponentHookFactories: called once per component at module level, as React.lazy is
  function Retrying(props: P) {
    const Current = current as unknown as ComponentType<P>;
    return <Current {...props} />;
  }
  return Retrying;
}
