import type { Command } from 'commander';
import { initialiseInstallation } from '../platform/install/initialise-installation.js';
import { cliConfig, out, readSecretFile } from './cli-context.js';

export function printFirstAdmin(email: string, oneTimePassword: string | undefined): void {
  if (!oneTimePassword) {
    out(`First administrator: ${email} (password from the file given)`);
    return;
  }
  out('');
  out(`First administrator: ${email}`);
  out(`One-time password:   ${oneTimePassword}`);
  out('It is shown once and must be changed at first sign-in. Store it now.');
  out('');
}

export function initCommand(program: Command): void {
  program
    .command('init')
    .description('initialise a new data directory: database, master key (0600), TLS certificate, first administrator')
    .requiredOption('--admin-email <email>', 'e-mail address of the first administrator')
    .option('--admin-name <name>', 'name of the first administrator', 'Administrator')
    .option('--admin-password-file <file>', "file holding the first administrator's password (else a one-time password is printed)")
    .option('--suite <suite>', 'cipher suite: intl (AES-256-GCM, SHA-256) or gm (SM4 + SM3)')
    .action(async (opts: { adminEmail: string; adminName: string; adminPasswordFile?: string; suite?: string }) => {
      const config = cliConfig(opts.suite ? { CASTELLAN_CRYPTO_SUITE: opts.suite } : {});
      const password = opts.adminPasswordFile ? readSecretFile(opts.adminPasswordFile, 'admin password') : undefined;
      const result = await initialiseInstallation(config, {
        adminEmail: opts.adminEmail,
        adminName: opts.adminName,
        adminPassword: password,
        suite: config.suite,
      });
      out(`Initialised ${config.dataDir} (${config.database.kind}, cipher suite ${result.suite}, master key: ${config.masterKey.provider})`);
      printFirstAdmin(opts.adminEmail, result.oneTimePassword);
    });
}
