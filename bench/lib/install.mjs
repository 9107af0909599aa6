import path from 'node:path';
import {
  asSystem,
  buildApp,
  createApiToken,
  createUser,
  initialiseInstallation,
  loadConfig,
  noRequest,
  openKernel,
  ProtectedStore,
  userActor,
} from './server.mjs';

const PASSWORD = 'granite orchard not secret 4';

/**
 * A fresh embedded-SQLite installation under `root` (same steps as the test helper
 * packages/server/test/helpers/test-install.ts), a `sales_manager` in team "Bench",
 * a bearer token for that user and the real Fastify app.
 */
export async function createBenchInstall(root, { suite = 'intl' } = {}) {
  const dataDir = path.join(root, 'data');
  const config = loadConfig({}, { CASTELLAN_DATA_DIR: dataDir, CASTELLAN_LOG_LEVEL: 'silent', CASTELLAN_CRYPTO_SUITE: suite });
  await initialiseInstallation(config, { adminEmail: 'admin@bench.example.com', adminPassword: PASSWORD });
  const kernel = await openKernel(config);
  const { user, actor, token } = await addBenchUser(kernel, {
    email: 'manager@bench.example.com',
    name: '王经理 Bench Manager',
    roles: ['sales_manager'],
    tokenName: 'bench',
  });
  const store = new ProtectedStore(kernel);
  // Rate limiting stays registered (it is part of the route's cost) but never trips during the bench.
  const app = await buildApp(kernel, { logger: false, rateLimitPerMinute: 1_000_000_000 });
  await app.ready();
  return {
    config,
    kernel,
    store,
    app,
    user,
    actor,
    token,
    dbFile: config.database.file,
    async close() {
      await app.close().catch(() => undefined);
      await kernel.close().catch(() => undefined);
    },
  };
}

/** A user of team "Bench" with these roles, made as a system actor, with an integration token named `tokenName`. */
export async function addBenchUser(kernel, { email, name, roles, tokenName }) {
  const system = asSystem('castellan bench fixture');
  const user = await kernel.transaction((tx) => createUser(kernel, tx, system, noRequest, { email, name, roles, teamName: 'Bench', password: PASSWORD }));
  const token = (await kernel.transaction((tx) => createApiToken(tx, system, noRequest, user, undefined, 1, { kind: 'integration', name: tokenName }))).token;
  return { user, actor: userActor({ id: user.id, teamId: user.teamId }, user.roles), token };
}
