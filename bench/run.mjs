#!/usr/bin/env node
/**
 * Castellan performance benchmarks (SPEC section 5). Run through `npm run bench` (builds first):
 *   npm run bench                  1 000 000 contacts (the SPEC size)
 *   npm run bench -- --quick       20 000 contacts, well under two minutes
 *   npm run bench -- --size 100000 --seconds 5 --only import,search_email
 * Every benchmark prints one machine-readable line
 *   BENCH <name> protected=<number> baseline=<number> unit=<unit> ratio=<number>
 * (ratio = protected/baseline; higher is better for per-second units, lower is better for unit=us), and
 * human-readable lines starting with '#'. Everything runs in a temp dir that is removed at the end,
 * on failure and on Ctrl-C. The exit code is 1 when a benchmark fails to run (not when a target is missed).
 */
import { cpus, loadavg } from 'node:os';
import { benchAuditVerify } from './audit.bench.mjs';
import { benchBackup } from './backup.bench.mjs';
import { benchListBookings } from './bookings.bench.mjs';
import { benchDsar } from './dsar.bench.mjs';
import { runCsvImport, runImport } from './import.bench.mjs';
import { parseArgs } from './lib/args.mjs';
import { buildBaselineApp } from './lib/baseline-app.mjs';
import { createBenchInstall } from './lib/install.mjs';
import { fmt } from './lib/measure.mjs';
import { openPlainCopy } from './lib/plain.mjs';
import { createRng } from './lib/prng.mjs';
import { note } from './lib/report.mjs';
import { makeTempRoot } from './lib/tempdir.mjs';
import { benchGetContact, benchListContacts } from './read.bench.mjs';
import { benchRetention } from './retention.bench.mjs';
import { benchSearchEmail } from './search.bench.mjs';
import { benchListSubscriptions } from './subscriptions.bench.mjs';
import { benchWeb } from './web-ui.mjs';

const options = parseArgs(process.argv.slice(2));
const load = () =>
  loadavg()
    .map((l) => fmt(l, 2))
    .join(' ');
const started = performance.now();
note(
  `castellan bench: ${options.size} contacts, seed ${options.seed}, suite ${options.suite}, ${options.seconds} s per measured loop, node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'}), load average ${load()}`,
);

const temp = makeTempRoot();
let install;
let plain;
let baselineApp;
try {
  // The in-process benchmarks share one installation and its imported contacts; `web` has its own
  // server process (castellan serve) and data directory, so --only web skips that import.
  if ([...options.only].some((name) => name !== 'web')) {
    await inProcess();
    await closeInProcess();
  }
  if (options.only.has('web')) await benchWeb({ root: temp.root, quick: options.quick, size: options.size, seed: options.seed });
  note(`done in ${fmt((performance.now() - started) / 1000, 1)} s; load average now ${load()} (other work on this machine skews absolute figures)`);
} catch (error) {
  console.error('bench failed:', error);
  process.exitCode = 1;
} finally {
  await closeInProcess();
  temp.remove();
}

async function closeInProcess() {
  await baselineApp?.close().catch(() => undefined);
  try {
    plain?.close();
  } catch {}
  await install?.close();
  baselineApp = plain = install = undefined;
}

async function inProcess() {
  install = await createBenchInstall(temp.root, { suite: options.suite });
  plain = openPlainCopy(temp.root);
  note(`setup: installation, sales_manager and token ready in ${fmt((performance.now() - started) / 1000, 2)} s (temp dir ${temp.root})`);

  const rng = createRng(options.seed);
  const { ids, samples } = await runImport({ install, plain, size: options.size, chunk: options.chunk, rng, print: options.only.has('import') });
  if (plain.count() !== options.size) throw new Error(`plaintext copy holds ${plain.count()} rows, expected ${options.size}`);
  plain.db.pragma('optimize');

  baselineApp = await buildBaselineApp(plain.db, install.user.teamId);
  const common = { install, plain, baselineApp, ids, samples, seed: options.seed, seconds: options.seconds };
  if (options.only.has('get_contact')) await benchGetContact(common);
  if (options.only.has('list_contacts')) await benchListContacts(common);
  if (options.only.has('search_email')) await benchSearchEmail(common);
  if (options.only.has('list_bookings')) await benchListBookings({ ...common, bookings: options.quick ? 2_000 : 10_000 });
  if (options.only.has('list_subscriptions')) await benchListSubscriptions({ ...common, quick: options.quick });
  if (options.only.has('import_csv'))
    await runCsvImport({ root: temp.root, size: options.quick ? Math.min(5000, options.size) : options.size, rng: rng.fork(8), chunk: options.chunk });
  if (options.only.has('dsar_export_erase')) await benchDsar({ install, size: options.size, root: temp.root });
  if (options.only.has('audit_verify')) await benchAuditVerify({ install, events: options.quick ? 50_000 : 1_000_000 });
  if (options.only.has('backup')) await benchBackup({ install, root: temp.root, quick: options.quick, pgUrl: options.pg });
  // Last: it deletes the installation's contacts.
  if (options.only.has('retention_purge')) await benchRetention({ install, plain, size: options.size, quick: options.quick });
}
