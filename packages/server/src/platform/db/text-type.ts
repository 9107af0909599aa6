import { sql } from 'kysely';
import type { DialectKind } from './database.js';

/**
 * The column type of a text column added after migration 036: on PostgreSQL `text COLLATE "C"`
 * (byte order, as SQLite's BINARY; migrations/036-text-collation.ts says why), on SQLite `text`.
 */
export const textType = (dialect: DialectKind) => (dialect === 'postgres' ? sql`text collate "C"` : sql`text`);
