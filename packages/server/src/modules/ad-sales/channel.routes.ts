import type { FastifyInstance } from 'fastify';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';

/** Channels (频道/频率): the organisation's reference list, kept by sales managers, read by every seller. */
export function channelRoutes(app: FastifyInstance, store: ProtectedStore): void {
  recordRoutes(app, store, 'channels', { tag: 'ad sales' });
}
