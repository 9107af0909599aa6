import { request } from '../../api/client';
import type { paths } from '../../api/schema';

/** The shapes of /api/v1/backups, taken from the generated API client (the server's OpenAPI document). */
type Ok<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } }
  ? T
  : paths[P][M] extends { responses: { 201: { content: { 'application/json': infer T } } } }
    ? T
    : never;

export type BackupOverview = Ok<'/api/v1/backups', 'get'>;
export type BackupRun = BackupOverview['runs'][number];
export type BackupDrill = BackupOverview['drills'][number];
export type BackupTarget = BackupOverview['targets'][number];
export type TargetListing = Ok<'/api/v1/backups/targets/{name}', 'get'>;
export type TargetBackup = TargetListing['items'][number];

export const overviewKey = ['backups', 'overview'] as const;
export const listingKey = (target: string) => ['backups', 'target', target] as const;

export const fetchOverview = () => request<BackupOverview>('GET', '/api/v1/backups');
export const fetchListing = (target: string) => request<TargetListing>('GET', `/api/v1/backups/targets/${encodeURIComponent(target)}`);
/** Both ask for a fresh second factor: the step-up prompt settles a `step_up_required` answer and the request goes on. */
export const takeBackup = () => request<BackupRun>('POST', '/api/v1/backups');
export const runDrill = () => request<BackupDrill>('POST', '/api/v1/backups/drills');

/** Badge colours of a run's, a drill's and a stored backup's status. */
export const statusColor: Record<string, string> = {
  good: 'teal',
  passed: 'teal',
  running: 'blue',
  incomplete: 'yellow',
  interrupted: 'orange',
  pruned: 'gray',
  failed: 'red',
  invalid: 'red',
};

/** The newest of a list by its start time (the API answers newest first; this does not rely on it). */
export function newest<T extends { startedAt: string }>(items: readonly T[]): T | undefined {
  return items.reduce<T | undefined>((best, item) => (!best || item.startedAt > best.startedAt ? item : best), undefined);
}
