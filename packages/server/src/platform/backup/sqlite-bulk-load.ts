import { BackupRefused } from './read-backup.js';
import { SqliteLoadThread } from './sqlite-load-thread.js';
import type { TableLoad } from './table-load.js';

/**
 * Loads a backup's rows into a freshly migrated SQLite file that only this restore has open (the
 * temporary file restore renames into place at the end; on any failure it is deleted). The rows are
 * decoded and written on a thread of their own (sqlite-load-thread.ts), so the main thread reads,
 * authenticates and unpacks the next chunks meanwhile: on two cores the two halves of a restore then
 * overlap instead of taking turns. Each chunk's text is checked before it is handed over; the count
 * and checksum of a table are compared after its last chunk, before anything is committed.
 */
export async function loadIntoSqlite(file: string, clear: string[], tables: AsyncIterable<TableLoad>, cacheMiB = 48): Promise<number> {
  const thread = new SqliteLoadThread({ file, clear, cacheMiB });
  try {
    for await (const table of tables) {
      thread.table(table.name, table.columns, table.format);
      for await (const text of table.text) await thread.chunk(text);
    }
    return await thread.finish();
  } catch (error) {
    throw (error as { refused?: boolean }).refused ? new BackupRefused((error as Error).message) : error;
  } finally {
    await thread.close();
  }
}
