/**
 * docs/API.md is generated from the running app: the route inventory (who may call each route) and
 * the OpenAPI summaries (what it does). The http-app test fails when the file is stale; regenerate
 * it with `UPDATE_API_DOC=1 npx vitest run packages/server/test/medium/http-app.test.ts`.
 */
const hidden: Record<string, string> = {
  'GET /': 'The web app (also answers every browser navigation outside /api/); where single sign-on returns',
  'GET /reset-password': "The web app's password-reset page, where the reset e-mail links to",
  'GET /enrol': "The web app's first-password page, where an enrolment link leads",
  'GET /assets/*': "The web app's scripts and styles (content-hashed, cached for a year)",
  'GET /api/v1/openapi.json': 'This API as an OpenAPI 3.1 document',
};

const accessText = (access: string): string => {
  const [base, restricted] = access.split('+');
  const who = base === 'public' ? 'anyone' : base === 'authenticated' ? 'any signed-in user or token' : `\`${base}\``;
  return restricted ? `${who}, also in a restricted (enrolment) session` : who;
};

type OpenApi = { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };

export function apiReference(inventory: readonly string[], openapi: OpenApi): string {
  const rows = inventory.map((line) => {
    const [method = '', route = '', access = ''] = line.split(' ');
    const openapiPath = route.replace(/:([A-Za-z]+)/g, '{$1}');
    const operation = openapi.paths[openapiPath]?.[method.toLowerCase()];
    const summary = operation?.summary ?? hidden[`${method} ${route}`] ?? '';
    const tag = operation?.tags?.[0] ?? (route.startsWith('/api/') ? 'system' : 'pages');
    return { tag, text: `| ${method} | \`${openapiPath}\` | ${accessText(access)} | ${summary.replace(/\|/g, '\\|')} |` };
  });
  const tags = [...new Set(rows.map((r) => r.tag))];
  const sections = tags.map((tag) =>
    [
      `## ${tag}`,
      '',
      '| method | path | who may call it | what it does |',
      '|---|---|---|---|',
      ...rows.filter((r) => r.tag === tag).map((r) => r.text),
      '',
    ].join('\n'),
  );
  return [
    '# HTTP API reference',
    '',
    'Generated from the running server (route inventory and OpenAPI summaries) by the HTTP app test; the',
    'full request and response schemas are at `GET /api/v1/openapi.json`. "Who may call it" is the',
    'access each route declares (deny by default: the server refuses to start with an undeclared route);',
    "a permission is checked against the caller's roles (a token: against its scopes too). Record scope,",
    'field rules and step-up checks come on top, in the protected store.',
    '',
    'Creates (every POST that makes a record: the record routes, activities, licence payments, make-goods,',
    'users, teams, tokens, saved views, custom fields, imports) accept an optional `Idempotency-Key` header',
    '(1–100 of `A-Z a-z 0-9 _ -`). The first request with a key, per caller and route, creates; a repeat',
    'within 24 hours answers the same status and the record as it is now (read again, masking and read',
    'events apply), never a second record, also when sent in parallel; the same key with a different',
    'request is refused with 409. A failed create keeps no key. A token is shown once: a repeat of',
    '`POST /api/v1/me/tokens` is a 409 naming the token made.',
    '',
    ...sections,
  ].join('\n');
}
