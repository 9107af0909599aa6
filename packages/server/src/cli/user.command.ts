import type { Command } from 'commander';
import { noRequest } from '../platform/audit/audit-event.js';
import { issueEnrolment } from '../platform/identity/enrolment-links.js';
import { createUser, findUserByEmail } from '../platform/identity/user-directory.js';
import type { Kernel } from '../platform/kernel.js';
import { operatorActor, out, readSecretFile, withKernel } from './cli-context.js';

export interface AddUserOptions {
  email: string;
  name: string;
  role: string[];
  team?: string;
  /** The operator's initial password; without it a one-time enrolment link is printed instead. */
  password?: string;
}

/**
 * `user add`: the operator (who holds the master key) may grant any role, under the same
 * separation-of-duties rules as the API, audited as the OS user. Without a password file the account
 * is activated by a one-time enrolment link, printed here for the operator to hand to the person.
 */
export async function addUserAsOperator(kernel: Kernel, opts: AddUserOptions) {
  const actor = operatorActor('user add');
  const roles = opts.role.flatMap((r) => r.split(','));
  return kernel.transaction(async (tx) => {
    const created = await createUser(kernel, tx, actor, noRequest, { email: opts.email, name: opts.name, roles, teamName: opts.team, password: opts.password });
    const invitation = opts.password === undefined ? await issueEnrolment(kernel, tx, actor, noRequest, created.id, 'operator') : undefined;
    return { created, invitation };
  });
}

/** `user invite`: a new one-time enrolment link for an existing, active account (older links stop working). */
export async function inviteAsOperator(kernel: Kernel, email: string) {
  const user = await findUserByEmail(kernel, email);
  if (!user) throw new Error('no user has this e-mail address');
  if (user.status !== 'active') throw new Error('the account is disabled');
  return kernel.transaction((tx) => issueEnrolment(kernel, tx, operatorActor('user invite'), noRequest, user.id, 'operator'));
}

export function userCommands(program: Command): void {
  const user = program.command('user').description('manage staff accounts');
  user
    .command('add')
    .description('add a user; a team named for the first time is created; without --password-file a one-time enrolment link is printed')
    .requiredOption('--email <email>', 'e-mail address (sign-in name)')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--role <role...>', 'role key(s), e.g. sales_rep (repeat or comma-separate)')
    .option('--team <team>', 'team name')
    .option('--password-file <file>', 'file holding the initial password (else: print an enrolment link for the person)')
    .action(async (opts: { email: string; name: string; role: string[]; team?: string; passwordFile?: string }) => {
      const password = opts.passwordFile === undefined ? undefined : readSecretFile(opts.passwordFile, 'password');
      const { created, invitation } = await withKernel((kernel) => addUserAsOperator(kernel, { ...opts, password }));
      out(`Added user ${created.id} (${created.roles.join(', ')}${opts.team ? `, team ${opts.team}` : ''})`);
      if (invitation) {
        process.stderr.write(`One-time enrolment link for ${opts.email}, valid until ${invitation.expiresAt}; give it to the person only:\n`);
        out(invitation.link);
      }
    });
  user
    .command('invite')
    .description('print a new one-time enrolment link for an account (the person sets their password with it; older links stop working)')
    .requiredOption('--email <email>', 'the account')
    .action(async (opts: { email: string }) => {
      const invitation = await withKernel((kernel) => inviteAsOperator(kernel, opts.email));
      process.stderr.write(`One-time enrolment link for ${opts.email}, valid until ${invitation.expiresAt}; give it to the person only:\n`);
      out(invitation.link);
    });
}
