import type { Command } from 'commander';
import { noRequest } from '../platform/audit/audit-event.js';
import { createApiToken } from '../platform/identity/api-tokens.js';
import { findUserByEmail } from '../platform/identity/user-directory.js';
import type { Kernel } from '../platform/kernel.js';
import { operatorActor, out, withKernel } from './cli-context.js';

export interface CreateTokenOptions {
  user: string;
  scopes?: string;
  expiresDays: string;
  /** Names an integration token: required for an account that administers or can read personal data. */
  integration?: string;
}

export async function createTokenAsOperator(kernel: Kernel, opts: CreateTokenOptions) {
  const user = await findUserByEmail(kernel, opts.user);
  if (!user) throw new Error('no user has this e-mail address');
  const scopes = opts.scopes
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const kind = opts.integration === undefined ? ('personal' as const) : ('integration' as const);
  return kernel.transaction((tx) =>
    createApiToken(tx, operatorActor('token create'), noRequest, user, scopes, Number(opts.expiresDays), { kind, name: opts.integration }),
  );
}

export function tokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens for integrations');
  token
    .command('create')
    .description(
      'create an API token for a user; it is printed once and stored only as a hash. For an account that administers or can read personal data, only a named integration token (--integration); its user makes personal tokens after a step-up (POST /api/v1/me/tokens)',
    )
    .requiredOption('--user <email>', 'the user the token acts for')
    .option('--scopes <scopes>', 'comma-separated permissions (default: all the user holds)')
    .option('--expires-days <n>', 'days until the token expires (1-366)', '90')
    .option('--integration <name>', 'make an integration token with this name (letters, digits, . _ -), listed with its kind and name')
    .action(async (opts: CreateTokenOptions) => {
      const created = await withKernel((kernel) => createTokenAsOperator(kernel, opts));
      const label = created.kind === 'integration' ? `Integration token ${created.id} "${created.name}"` : `Token ${created.id}`;
      process.stderr.write(`${label} for ${opts.user}, scopes ${created.scopes.join(',')}, expires ${created.expiresAt}. Shown once:\n`);
      out(created.token);
    });
}
