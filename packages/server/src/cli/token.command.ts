import type { Command } from 'commander';
import { noRequest } from '../platform/audit/audit-event.js';
import { createApiToken } from '../platform/identity/api-tokens.js';
import { findUserByEmail } from '../platform/identity/user-directory.js';
import { operatorActor, out, withKernel } from './cli-context.js';

export function tokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens for integrations');
  token
    .command('create')
    .description('create an API token for a user; it is printed once and stored only as a hash')
    .requiredOption('--user <email>', 'the user the token acts for')
    .option('--scopes <scopes>', 'comma-separated permissions (default: all the user holds)')
    .option('--expires-days <n>', 'days until the token expires (1-366)', '90')
    .action(async (opts: { user: string; scopes?: string; expiresDays: string }) => {
      const created = await withKernel(async (kernel) => {
        const user = await findUserByEmail(kernel, opts.user);
        if (!user) throw new Error('no user has this e-mail address');
        const scopes = opts.scopes
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        return kernel.transaction((tx) => createApiToken(tx, operatorActor('token create'), noRequest, user, scopes, Number(opts.expiresDays)));
      });
      process.stderr.write(`Token ${created.id} for ${opts.user}, scopes ${created.scopes.join(',')}, expires ${created.expiresAt}. Shown once:\n`);
      out(created.token);
    });
}
