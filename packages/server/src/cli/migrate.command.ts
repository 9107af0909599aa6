import type { Command } from 'commander';
import { openDatabase } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { cliConfig, out } from './cli-context.js';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending schema migrations (SQLite or PostgreSQL)')
    .action(async () => {
      const config = cliConfig();
      const db = openDatabase(config.database);
      try {
        const { applied } = await migrateToLatest(db);
        out(applied.length ? `Applied: ${applied.join(', ')}` : 'The schema is up to date.');
      } finally {
        await db.close();
      }
    });
}
