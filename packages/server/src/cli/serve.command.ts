import type { Command } from 'commander';
import type { Config } from '../config/load-config.js';
import { initialiseInstallation, isInitialised } from '../platform/install/initialise-installation.js';
import { cliConfig, out, withKernel } from './cli-context.js';
import { printDemoStaff, runDemo } from './demo.command.js';
import { printFirstAdmin } from './init.command.js';

async function serveUntilSignalled(config: Config): Promise<void> {
  // The HTTP server (routes, OpenAPI, web app) is loaded only by the verbs that serve: the operator verbs start faster.
  const { startServer } = await import('../server/serve.js');
  const server = await startServer(config);
  out(`Castellan is serving ${server.url} (database: ${config.database.kind})`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

interface ServeFlags {
  port?: string;
  host?: string;
  demo?: boolean;
  demoScale?: string;
}
const overrides = (opts: ServeFlags) => ({
  ...(opts.port ? { CASTELLAN_PORT: opts.port } : {}),
  ...(opts.host ? { CASTELLAN_HOST: opts.host } : {}),
});

export function serveCommands(program: Command): void {
  program
    .command('serve')
    .description('serve HTTPS (runs pending migrations first)')
    .option('--port <n>', 'port (CASTELLAN_PORT, default 8443)')
    .option('--host <h>', 'host (CASTELLAN_HOST, default localhost)')
    .action(async (opts: ServeFlags) => serveUntilSignalled(cliConfig(overrides(opts))));

  program
    .command('start')
    .description('first run: initialise the data directory if it is new (printing the one-time admin password), then serve')
    .option('--port <n>', 'port')
    .option('--host <h>', 'host')
    .option('--demo', 'on a new data directory, load the demo data set (castellan demo) before serving')
    .option('--demo-scale <x>', 'with --demo: its size relative to the full data set (as castellan demo --scale)')
    .action(async (opts: ServeFlags) => {
      const config = cliConfig(overrides(opts));
      if (!(await isInitialised(config))) {
        const email = config.adminEmail;
        const result = await initialiseInstallation(config, { adminEmail: email });
        out(`Initialised ${config.dataDir} (${config.database.kind}, cipher suite ${result.suite})`);
        if (opts.demo) printDemoStaff((await withKernel((kernel) => runDemo(kernel, { scale: opts.demoScale }))).accounts);
        printFirstAdmin(email, result.oneTimePassword);
      } else if (opts.demo) {
        out('The data directory is not new: --demo ignored (use castellan demo to load the demo data set into it)');
      }
      await serveUntilSignalled(config);
    });
}
