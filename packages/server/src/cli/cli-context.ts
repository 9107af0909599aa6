import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { ConfigKey } from '../config/config.schema.js';
import { type Config, loadConfig } from '../config/load-config.js';
import { writeCheckpoint } from '../platform/audit/checkpoints.js';
import type { Actor } from '../platform/authz/actor.js';
import { asSystem } from '../platform/data/as-system.js';
import { type Kernel, openKernel } from '../platform/kernel.js';

/** Every verb reads the same CASTELLAN_* environment as `serve`; flags override single settings. */
export function cliConfig(overrides: Partial<Record<ConfigKey, string>> = {}): Config {
  return loadConfig(process.env, overrides);
}

export async function withKernel<T>(work: (kernel: Kernel) => Promise<T>, overrides: Partial<Record<ConfigKey, string>> = {}): Promise<T> {
  const kernel = await openKernel(cliConfig(overrides));
  try {
    return await work(kernel);
  } finally {
    // A clean exit signs the newest audit event, so that removing the tail later is detected.
    await writeCheckpoint(kernel).catch((error: Error) => process.stderr.write(`castellan: warning: no audit checkpoint written: ${error.message}\n`));
    await kernel.close();
  }
}

/** The OS account running the CLI, as the audit trail names it (letters, digits, . _ - only). */
export function osUserName(): string {
  try {
    return (
      userInfo()
        .username.replace(/[^A-Za-z0-9._-]/g, '_')
        .slice(0, 64) || 'unknown'
    );
  } catch {
    return 'unknown'; // no passwd entry
  }
}

/** The operator at the command line holds the machine and its key: a system actor, audited by verb and OS user. */
export function operatorActor(verb: string): Actor {
  return asSystem(`cli ${verb} (os user ${osUserName()})`);
}

export function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new Error(`cannot read the ${what} file ${file}`);
  }
}

export const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
