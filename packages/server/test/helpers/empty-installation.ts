import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { ConfigKey } from '../../src/config/config.schema.js';
import { type Config, loadConfig } from '../../src/config/load-config.js';
import { createScratchPostgres, type ScratchPostgres } from './databases.js';
import type { TestInstall } from './test-install.js';

/**
 * The configuration of a new, empty installation to restore into, with the master key of `install`:
 * a data directory under `scratch` with a SQLite file, or a fresh PostgreSQL database (pushed onto
 * `pgDatabases` for the caller to drop). `extra` adds settings (a backup folder, say).
 */
export async function emptyInstallation(
  install: TestInstall,
  kind: 'sqlite' | 'postgres',
  scratch: string,
  pgDatabases: ScratchPostgres[],
  extra: Record<string, string> = {},
): Promise<Config> {
  const env: Record<string, string> = { ...install.env, CASTELLAN_DATA_DIR: mkdtempSync(path.join(scratch, 'into-')), ...extra };
  if (install.config.masterKey.provider === 'file') env.CASTELLAN_MASTER_KEY_FILE = install.config.masterKey.file;
  delete env.CASTELLAN_DATABASE_OWNER_URL;
  delete env.CASTELLAN_DATABASE_URL;
  if (kind === 'postgres') {
    const pg = await createScratchPostgres();
    pgDatabases.push(pg);
    env.CASTELLAN_DATABASE_URL = pg.url;
    env.CASTELLAN_DATABASE_OWNER_URL = pg.ownerUrl;
  }
  return loadConfig({}, env as Partial<Record<ConfigKey, string>>);
}
