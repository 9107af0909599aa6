/**
 * docs/API.md is generated from the running app: the route inventory (who may call each route) and
 * the OpenAPI summaries (what it does). The http-app test fails when the file is stale; regenerate
 * it with `UPDATE_API_DOC=1 npx vitest run packages/server/test/medium/http-app.test.ts`.
 */
const hidden: Record<string, string> = {
  'GET /': 'Landing page (bilingual): how to finish single sign-on until the web app exists',
  'GET /reset-password': 'Page the password-reset e-mail links to: how to complete the reset through the API',
  'GET /enrol': 'Page an enrolment link leads to: how to set the first password through the API',
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
    ...sections,
  ].join('\n');
}
