/** GET `url` on a Fastify app through inject; throws unless 200. */
export async function getOk(app, url, headers) {
  const res = await app.inject({ method: 'GET', url, headers });
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res;
}

/** The list cursor of the page starting after `id` (the store's keyset cursor: the id, base64url). */
export const cursorOf = (id) => Buffer.from(id, 'utf8').toString('base64url');
