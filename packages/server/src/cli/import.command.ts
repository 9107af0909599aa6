import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import type { Command } from 'commander';
import { domainStore } from '../modules/domain-store.js';
import { noRequest } from '../platform/audit/audit-event.js';
import { onBehalfOfActor } from '../platform/authz/actor.js';
import { fingerprintFile } from '../platform/data/import-fingerprint.js';
import { type ImportJob, problemPage } from '../platform/data/import-jobs.js';
import { importableObjects, isImportable } from '../platform/data/import-objects.js';
import { Importer } from '../platform/data/import-run.js';
import type { ImportFormat } from '../platform/data/import-source.js';
import { findUserByEmail } from '../platform/identity/user-directory.js';
import type { Kernel } from '../platform/kernel.js';
import { osUserName, out, withKernel } from './cli-context.js';
import { HeapKeeper } from './heap-keeper.js';
import { ImportProgress } from './import-progress.js';

const collect = (value: string, previous: string[]) => [...previous, value];

interface ImportFlags {
  as: string;
  skipInvalid?: boolean;
  map: string[];
  resume?: string;
  format?: string;
  chunkSize?: string;
}

function mappingOf(pairs: string[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new Error(`--map takes column=field, not ${pair}`);
    mapping[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return mapping;
}

export function importCommand(program: Command): void {
  program
    .command('import')
    .description(
      'import a CSV or XLSX file into store records as a user (their permission and field rules; audited as you acting for them): every row validated like the API, duplicates on e-mail / phone / ID number skipped, all or nothing unless --skip-invalid; progress on stderr, the report of bad rows on stdout',
    )
    .argument('<object>', importableObjects.join(', '))
    .argument('<file>', 'the .csv or .xlsx file (its first row names the columns)')
    .requiredOption('--as <email>', 'the user who imports (the audit trail names you as acting on their behalf)')
    .option('--skip-invalid', 'import the good rows in committed chunks and report the bad ones (default: any bad row imports nothing)')
    .option('--map <column=field>', 'which file column fills which field (repeatable); other columns map by their header', collect, [])
    .option('--resume <jobId>', 'continue an import that stopped, with the same file (the job keeps the options it was started with)')
    .option('--format <format>', 'csv or xlsx (default: from the file name)')
    .option('--chunk-size <rows>', 'rows per committed chunk with --skip-invalid', '5000')
    .action(async (object: string, file: string, opts: ImportFlags) => {
      if (!isImportable(object)) throw new Error(`object must be one of ${importableObjects.join(', ')}`);
      const format = (opts.format ?? (file.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv')) as ImportFormat;
      if (format !== 'csv' && format !== 'xlsx') throw new Error('--format must be csv or xlsx');
      const chunkSize = Number(opts.chunkSize);
      if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error('--chunk-size must be a positive integer');
      const size = statSync(file, { throwIfNoEntry: false })?.size;
      if (size === undefined) throw new Error(`cannot read ${file}`);
      // A smaller page cache keeps a 1M-row import within its memory bound (one long transaction).
      const cache = process.env.CASTELLAN_SQLITE_CACHE_MIB ? {} : { CASTELLAN_SQLITE_CACHE_MIB: '16' };
      const job = await withKernel(async (kernel) => {
        const user = await findUserByEmail(kernel, opts.as);
        if (user?.status !== 'active') throw new Error('no active user has this e-mail address');
        const actor = onBehalfOfActor({ osUser: osUserName(), verb: `import ${object}` }, { id: user.id, teamId: user.teamId }, user.roles);
        const importer = new Importer(kernel, domainStore(kernel));
        let bytes = 0;
        const open = () => {
          bytes = 0;
          return createReadStream(file).pipe(
            new Transform({
              transform(chunk: Buffer, _encoding, done) {
                bytes += chunk.length;
                done(null, chunk);
              },
            }),
          );
        };
        const fingerprint = await fingerprintFile(kernel, file);
        let jobId: string;
        if (opts.resume) {
          const stored = await importer.job(actor, opts.resume);
          if (stored.object !== object) throw new Error(`import ${opts.resume} is of ${stored.object}, not ${object}`);
          if (stored.source !== 'file') throw new Error(`import ${opts.resume} was uploaded; resume it with POST /api/v1/imports/${opts.resume}/resume`);
          if (stored.fileSize !== size || stored.fileFingerprint !== fingerprint)
            throw new Error(`${file} is not the file import ${opts.resume} was started with`);
          jobId = stored.id;
        } else {
          const created = await importer.createJob(
            actor,
            { object, format, mapping: mappingOf(opts.map), skipInvalid: opts.skipInvalid === true, chunkSize },
            { source: 'file', size, fingerprint },
            open,
          );
          jobId = created.id;
          process.stderr.write(`castellan import: job ${jobId} (resume with --resume ${jobId})\n`);
        }
        const progress = new ImportProgress(() => bytes, size);
        let finished: ImportJob;
        try {
          const heap = new HeapKeeper();
          finished = await importer.run(actor, noRequest, jobId, open, (j) => {
            progress.show(j);
            heap.tick(j.rowsRead + j.rowsImported);
          });
        } finally {
          progress.end();
        }
        await printReport(kernel, finished);
        return finished;
      }, cache);
      const rss = process.resourceUsage().maxRSS / 1024;
      process.stderr.write(`castellan import: ${job.state}; peak RSS ${rss.toFixed(0)} MiB\n`);
      if (job.state !== 'done') process.exitCode = 2;
    });
}

async function printReport(kernel: Kernel, job: ImportJob): Promise<void> {
  out(
    `import ${job.id}: ${job.state} · ${job.rowsRead} rows read, ${job.rowsValid} valid, ${job.rowsInvalid} invalid, ${job.rowsDuplicate} duplicate, ${job.rowsImported} imported`,
  );
  if (job.state === 'rejected') out('nothing was imported: fix the rows below, or import the others with --skip-invalid');
  let after: number | null = 0;
  while (after !== null) {
    const page = await problemPage(kernel.db.kysely, job.id, after, 1000);
    for (const p of page.problems) out(`line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.reason}`);
    after = page.next;
  }
}
