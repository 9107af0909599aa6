import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/src/http/build-app.js';
import { createTestInstall, type TestInstall } from '../../../server/test/helpers/test-install.js';

/**
 * The web app's typed API client (src/api/schema.d.ts) is generated from the server's OpenAPI
 * document; this test fails when the two differ. Regenerate with `npm run api:client`.
 */
const SCHEMA_FILE = fileURLToPath(new URL('../../src/api/schema.d.ts', import.meta.url));
const HEADER = '/**\n * Generated from /api/v1/openapi.json by openapi-typescript (`npm run api:client`). Do not edit.\n */\n\n';

describe('typed API client', () => {
  let install: TestInstall;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    install = await createTestInstall('sqlite');
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await install?.cleanup();
  });

  it('matches the current OpenAPI document', async () => {
    const document = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const generated = HEADER + astToString(await openapiTS(document, { alphabetize: true }));
    if (process.env.UPDATE_API_CLIENT === '1') writeFileSync(SCHEMA_FILE, generated);
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(committed === generated, 'src/api/schema.d.ts is stale: run `npm run api:client`').toBe(true);
  });
});
