#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { auditVerifyCommand } from './cli/audit.command.js';
import { auditExportCommands } from './cli/audit-export.command.js';
import { backupCommands } from './cli/backup.command.js';
import { complianceCommands } from './cli/compliance.command.js';
import { demoCommand } from './cli/demo.command.js';
import { exportCommand } from './cli/export.command.js';
import { importCommand } from './cli/import.command.js';
import { initCommand } from './cli/init.command.js';
import { keysCommands } from './cli/keys.command.js';
import { migrateCommand } from './cli/migrate.command.js';
import { retentionCommands } from './cli/retention.command.js';
import { serveCommands } from './cli/serve.command.js';
import { tokenCommands } from './cli/token.command.js';
import { userCommands } from './cli/user.command.js';
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

initCommand(program);
serveCommands(program);
migrateCommand(program);
userCommands(program);
tokenCommands(program);
keysCommands(program);
auditVerifyCommand(program);
complianceCommands(program);
retentionCommands(program);
backupCommands(program);
exportCommand(program);
demoCommand(program);
importCommand(program);
auditExportCommands(program);

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
