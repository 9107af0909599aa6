import { PassThrough } from 'node:stream';
import { isStoreObject, storeObjects } from '@castellan/shared';
import type { Command } from 'commander';
import { domainStore } from '../modules/domain-store.js';
import { noRequest } from '../platform/audit/audit-event.js';
import type { ScopedResource } from '../platform/authz/access-policy.js';
import { onBehalfOfActor } from '../platform/authz/actor.js';
import { type ExportFormat, exportRecords } from '../platform/data/export-records.js';
import { exportXlsx } from '../platform/data/export-xlsx.js';
import { findUserByEmail } from '../platform/identity/user-directory.js';
import { osUserName, withKernel } from './cli-context.js';

const formats = ['jsonl', 'csv', 'xlsx'] as const;

export function exportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'export records as a user sees them (their scope and masking) to stdout, streamed; every page is audited as an export by you (the OS account) on behalf of that user',
    )
    .argument('<object>', `any store object whose export the user holds (${storeObjects.join(', ')})`)
    .requiredOption('--as <email>', 'the user whose permission, scope and field rules apply (the audit trail names you as acting on their behalf)')
    .option('--format <format>', formats.join(', '), 'jsonl')
    .action(async (object: string, opts: { as: string; format: string }) => {
      if (!isStoreObject(object)) throw new Error(`object must be one of ${storeObjects.join(', ')}`);
      if (!(formats as readonly string[]).includes(opts.format)) throw new Error(`--format must be one of ${formats.join(', ')}`);
      if (opts.format === 'xlsx' && process.stdout.isTTY) throw new Error('an XLSX workbook is binary: redirect stdout to a file (> export.xlsx)');
      await withKernel(async (kernel) => {
        const user = await findUserByEmail(kernel, opts.as);
        if (user?.status !== 'active') throw new Error('no active user has this e-mail address');
        const actor = onBehalfOfActor({ osUser: osUserName(), verb: `export ${object}` }, { id: user.id, teamId: user.teamId }, user.roles);
        const store = domainStore(kernel);
        const resource = object as ScopedResource;
        if (opts.format === 'xlsx') {
          // The workbook writer ends its stream; stdout must stay open, so it writes through a pass-through.
          const pass = new PassThrough();
          pass.pipe(process.stdout, { end: false });
          const drained = new Promise((resolve) => pass.once('end', resolve));
          await exportXlsx(store, actor, noRequest, resource, pass);
          await drained;
          return;
        }
        for await (const chunk of exportRecords(store, actor, noRequest, resource, opts.format as ExportFormat)) {
          if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      });
    });
}
