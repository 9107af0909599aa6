import type { ApiError } from './api-error';

/**
 * Answers that a person can settle and then go on: `step_up_required` (prove a fresh second factor)
 * and `unauthenticated` (the session ended: sign in again in place). A feature registers how to ask;
 * the client waits for it and repeats the request once. Requests that arrive while one prompt is
 * open wait for the same prompt.
 */
export type InterruptHandler = (error: ApiError) => Promise<boolean>;

const handlers = new Map<string, InterruptHandler>();
const pending = new Map<string, Promise<boolean>>();

export function onInterrupt(code: 'step_up_required' | 'unauthenticated', handler: InterruptHandler): () => void {
  handlers.set(code, handler);
  return () => {
    if (handlers.get(code) === handler) handlers.delete(code);
  };
}

/** True when the person settled the interrupt (the request may be repeated). */
export function settleInterrupt(error: ApiError): Promise<boolean> {
  const handler = handlers.get(error.code);
  if (!handler) return Promise.resolve(false);
  const open = pending.get(error.code);
  if (open) return open;
  const asked = handler(error).finally(() => pending.delete(error.code));
  pending.set(error.code, asked);
  return asked;
}
