#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config/load-config.js';
import { AppError } from './platform/errors.js';

// Everything Castellan writes (database, keys, certificates, archives) is for its own user only.
process.umask(0o077);

const program = new Command()
  .name('castellan')
  .description('Castellan: CRM for broadcast, film and TV that protects the personal data it holds')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError();

/**
 * Each verb's module, loaded only when that verb runs (a module pulls in what its verb needs: the
 * HTTP server, spreadsheet readers, PDF writers), so an operator verb starts in about half the time;
 * help, an unknown verb or none loads them all. Listed in the order help shows them.
 */
type Register = (program: Command) => unknown;
const verbs: [string[], () => Promise<Register[]>][] = [
  [['init'], async () => [(await import('./cli/init.command.js')).initCommand]],
  [['serve', 'start'], async () => [(await import('./cli/serve.command.js')).serveCommands]],
  [['migrate'], async () => [(await import('./cli/migrate.command.js')).migrateCommand]],
  [['user'], async () => [(await import('./cli/user.command.js')).userCommands]],
  [['token'], async () => [(await import('./cli/token.command.js')).tokenCommands]],
  [['keys'], async () => [(await import('./cli/keys.command.js')).keysCommands]],
  [['audit'], async () => [(await import('./cli/audit.command.js')).auditVerifyCommand, (await import('./cli/audit-export.command.js')).auditExportCommands]],
  [['compliance'], async () => [(await import('./cli/compliance.command.js')).complianceCommands]],
  [['retention'], async () => [(await import('./cli/retention.command.js')).retentionCommands]],
  [['backup'], async () => [(await import('./cli/backup.command.js')).backupCommands]],
  [['export'], async () => [(await import('./cli/export.command.js')).exportCommand]],
  [['demo'], async () => [(await import('./cli/demo.command.js')).demoCommand]],
  [['import'], async () => [(await import('./cli/import.command.js')).importCommand]],
  [['monitor'], async () => [(await import('./cli/monitor.command.js')).monitorCommands]],
];
const verb = process.argv[2];
const chosen = verbs.filter(([names]) => verb !== undefined && names.includes(verb));
for (const [, load] of chosen.length > 0 ? chosen : verbs) for (const register of await load()) register(program);

let settled = false;
// A verb whose work stopped waiting on nothing (a deadlock) must not look like success.
process.on('exit', (code) => {
  if (!settled && code === 0) {
    process.stderr.write('castellan: the command stopped before finishing (internal error: it waited on something that never came)\n');
    process.exitCode = 70;
  }
});

program
  .parseAsync(process.argv)
  .then(() => {
    settled = true;
  })
  .catch((error: unknown) => {
    settled = true;
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const message = error instanceof ConfigError || error instanceof AppError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`castellan: ${message}\n`);
    process.exit(1);
  });
