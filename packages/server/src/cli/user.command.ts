import type { Command } from 'commander';
import { noRequest } from '../platform/audit/audit-event.js';
import { createUser } from '../platform/identity/user-directory.js';
import { operatorActor, out, readSecretFile, withKernel } from './cli-context.js';

export function userCommands(program: Command): void {
  const user = program.command('user').description('manage staff accounts');
  user
    .command('add')
    .description('add a user; a team named for the first time is created')
    .requiredOption('--email <email>', 'e-mail address (sign-in name)')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--role <role...>', 'role key(s), e.g. sales_rep (repeat or comma-separate)')
    .option('--team <team>', 'team name')
    .requiredOption('--password-file <file>', 'file holding the initial password')
    .action(async (opts: { email: string; name: string; role: string[]; team?: string; passwordFile: string }) => {
      const password = readSecretFile(opts.passwordFile, 'password');
      const roles = opts.role.flatMap((r) => r.split(','));
      const created = await withKernel((kernel) =>
        kernel.transaction((tx) =>
          createUser(kernel, tx, operatorActor('user add'), noRequest, { email: opts.email, name: opts.name, roles, teamName: opts.team, password }),
        ),
      );
      out(`Added user ${created.id} (${created.roles.join(', ')}${opts.team ? `, team ${opts.team}` : ''})`);
    });
}
