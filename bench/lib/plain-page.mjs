import { cursorOf } from './http.mjs';

/**
 * Registers on a bare Fastify app GET `url` answering a keyset page of a plaintext table, like the
 * store's list route: `?limit` (1–200, default 50) and `?cursor`, rows of `teamId` only, `view` for
 * the JSON of a row, `nextCursor` when more rows follow. `page` is a prepared
 * `SELECT … WHERE team_id = ? AND id > ? ORDER BY id LIMIT ?`.
 */
export function plainPageRoute(app, url, page, teamId, view) {
  app.get(url, async (request) => {
    const limit = Math.min(200, Math.max(1, Number(request.query.limit ?? 50)));
    const after = request.query.cursor ? Buffer.from(request.query.cursor, 'base64url').toString('utf8') : '';
    const rows = page.all(teamId, after, limit + 1);
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? cursorOf(items[items.length - 1].id) : null;
    return { items: items.map(view), nextCursor };
  });
}
