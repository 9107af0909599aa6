import type { Command } from 'commander';
import { domainStore } from '../modules/domain-store.js';
import { noRequest } from '../platform/audit/audit-event.js';
import { onBehalfOfActor } from '../platform/authz/actor.js';
import { type ExportFormat, exportRecords } from '../platform/data/export-records.js';
import { findUserByEmail } from '../platform/identity/user-directory.js';
import { osUserName, withKernel } from './cli-context.js';

export function exportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'export records as a user sees them (their scope and masking) to stdout; every page is audited as an export by you (the OS account) on behalf of that user',
    )
    .argument('<object>', 'contacts or accounts')
    .requiredOption('--as <email>', 'the user whose permission, scope and field rules apply (the audit trail names you as acting on their behalf)')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .action(async (object: string, opts: { as: string; format: string }) => {
      if (object !== 'contacts' && object !== 'accounts') throw new Error('object must be contacts or accounts');
      if (opts.format !== 'jsonl' && opts.format !== 'csv') throw new Error('--format must be jsonl or csv');
      await withKernel(async (kernel) => {
        const user = await findUserByEmail(kernel, opts.as);
        if (user?.status !== 'active') throw new Error('no active user has this e-mail address');
        const actor = onBehalfOfActor({ osUser: osUserName(), verb: `export ${object}` }, { id: user.id, teamId: user.teamId }, user.roles);
        for await (const chunk of exportRecords(domainStore(kernel), actor, noRequest, object, opts.format as ExportFormat)) {
          if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      });
    });
}
