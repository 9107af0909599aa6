import Fastify from 'fastify';
import { plainPageRoute } from './plain-page.mjs';

const view = (row) => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  idNumber: row.id_number,
  birthDate: row.birth_date,
  address: row.address,
  accountId: row.account_id,
  ownerId: row.owner_id,
  teamId: row.team_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  maskedFields: [],
});

/**
 * "The same route with protection off": a bare Fastify app (logger:false, like the protected app in
 * the bench) serving GET /api/v1/contacts/:id and GET /api/v1/contacts?limit&cursor from the plaintext
 * copy. Same URL shapes, same JSON shape, same team scope filter on the list; no authentication,
 * no decryption, no masking, no audit, no security headers, no rate limit, no schema validation.
 */
export async function buildBaselineApp(plainDb, teamId) {
  const app = Fastify({ logger: false });
  const byId = plainDb.prepare('SELECT * FROM plain_contacts WHERE id = ?');
  const page = plainDb.prepare('SELECT * FROM plain_contacts WHERE team_id = ? AND id > ? ORDER BY id LIMIT ?');
  app.get('/api/v1/contacts/:id', async (request, reply) => {
    const row = byId.get(request.params.id);
    if (!row) return reply.status(404).send({ error: 'not_found' });
    return view(row);
  });
  plainPageRoute(app, '/api/v1/contacts', page, teamId, view);
  await app.ready();
  return app;
}
