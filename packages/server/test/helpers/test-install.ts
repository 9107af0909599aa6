import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConfigKey } from '../../src/config/config.schema.js';
import { type Config, loadConfig } from '../../src/config/load-config.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { type Actor, userActor } from '../../src/platform/authz/actor.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { createApiToken } from '../../src/platform/identity/api-tokens.js';
import { createUser, type UserRecord } from '../../src/platform/identity/user-directory.js';
import { initialiseInstallation } from '../../src/platform/install/initialise-installation.js';
import { type Kernel, openKernel } from '../../src/platform/kernel.js';
import { createScratchPostgres, type ScratchPostgres } from './databases.js';

export const ADMIN_PASSWORD = 'orchid lantern for tests 7';
export const USER_PASSWORD = 'copper meadow for tests 9';

export interface TestInstall {
  config: Config;
  kernel: Kernel;
  dataDir: string;
  env: Record<string, string>;
  /** PostgreSQL: the scratch database (application and owner roles); undefined on SQLite. */
  postgres?: ScratchPostgres;
  cleanup(): Promise<void>;
}

/**
 * A fresh, initialised installation in a temp dir (and, when asked, a scratch PostgreSQL database
 * used by a non-superuser application role, with the owner role in CASTELLAN_DATABASE_OWNER_URL).
 */
export async function createTestInstall(dialect: 'sqlite' | 'postgres' = 'sqlite', settings: Partial<Record<ConfigKey, string>> = {}): Promise<TestInstall> {
  const root = mkdtempSync(path.join(tmpdir(), 'castellan-test-'));
  const dataDir = path.join(root, 'data');
  const pgDb = dialect === 'postgres' ? await createScratchPostgres() : undefined;
  const env: Record<string, string> = {
    CASTELLAN_DATA_DIR: dataDir,
    CASTELLAN_LOG_LEVEL: 'silent',
    ...(pgDb ? { CASTELLAN_DATABASE_URL: pgDb.url, CASTELLAN_DATABASE_OWNER_URL: pgDb.ownerUrl } : {}),
    ...settings,
  } as Record<string, string>;
  let config: Config;
  let kernel: Kernel;
  try {
    config = loadConfig({}, env as Partial<Record<ConfigKey, string>>);
    await initialiseInstallation(config, { adminEmail: 'admin@example.com', adminPassword: ADMIN_PASSWORD });
    kernel = await openKernel(config);
  } catch (error) {
    await pgDb?.drop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  return {
    config,
    kernel,
    dataDir,
    env,
    postgres: pgDb,
    async cleanup() {
      // Close the kernel the test holds now (a test may have reopened it).
      if (!closed) await this.kernel.close().catch(() => undefined);
      closed = true;
      await pgDb?.drop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface TestUser extends UserRecord {
  email: string;
  actor: Actor;
}

let counter = 0;
/**
 * A user with a known password, made directly by createUser as a system actor. Only this fixture
 * bypasses the enrolment link that real accounts able to read personal data or administer are
 * activated by (POST /api/v1/users, `castellan user add` without --password-file).
 */
export async function addUser(kernel: Kernel, roles: string[], team?: string, email?: string): Promise<TestUser> {
  counter += 1;
  const address = email ?? `user${counter}.${roles[0]}@example.com`;
  const user = await kernel.transaction((tx) =>
    createUser(kernel, tx, asSystem('test fixture'), noRequest, { email: address, name: `User ${counter}`, roles, teamName: team, password: USER_PASSWORD }),
  );
  return { ...user, email: address, actor: userActor({ id: user.id, teamId: user.teamId }, user.roles) };
}

/** An integration token made as the operator would (`castellan token create --integration`). */
export async function tokenFor(kernel: Kernel, user: UserRecord, scopes?: string[]): Promise<string> {
  const created = await kernel.transaction((tx) =>
    createApiToken(tx, asSystem('test fixture'), noRequest, user, scopes, 1, { kind: 'integration', name: 'test-fixture' }),
  );
  return created.token;
}
