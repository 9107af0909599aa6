/** Whether the last request reached the server: drives the "connection lost" banner. */
type Listener = (online: boolean) => void;
const listeners = new Set<Listener>();
let online = true;

export const connectionOnline = (): boolean => online;

export function reportConnection(reached: boolean): void {
  if (reached === online) return;
  online = reached;
  for (const listener of listeners) listener(online);
}

export function watchConnection(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
