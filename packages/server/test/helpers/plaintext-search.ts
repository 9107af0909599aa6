/**
 * A search for known plaintext values in every column of every table, by SQL, on both databases.
 * It walks the schema (sqlite_master + pragma table_info; the pg_catalog column list on PostgreSQL)
 * and asks the database itself, so it sees bytea and blob values as bytes (a pg_dump shows bytea as
 * hex, where a UTF-8 needle can never match) and fails loudly when it cannot read a table (a check
 * that silently reads nothing passes for the wrong reason).
 *
 * String needles are matched as UTF-8, ASCII case-insensitively: in text (and numbers, cast to text)
 * with instr / strpos on lower(); in blob / bytea with instr / position() on the needle's bytes as
 * given, lower-cased and upper-cased. Byte needles (a raw secret) are matched in blob / bytea columns
 * as bytes, and in every column as their hex, base64 and base64url spellings.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';

export type Needle = string | Buffer;
export type SearchTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface SearchResult {
  /** `"needle" in table.column (n rows)`, one per needle and column where it was found. */
  hits: string[];
  /** Every column searched, as `table.column` (to check that the walk covered the schema). */
  columns: string[];
}

interface Probe {
  label: string;
  /** Matched in text (and numbers cast to text), lower() on both sides. */
  text?: string;
  /** Matched as bytes in blob / bytea values. */
  bytes: Buffer[];
}

const asciiCase = (b: Buffer, lower: boolean): Buffer => {
  const out = Buffer.from(b);
  for (let i = 0; i < out.length; i += 1) {
    const c = out[i] ?? 0;
    if (lower && c >= 0x41 && c <= 0x5a) out[i] = c + 0x20;
    if (!lower && c >= 0x61 && c <= 0x7a) out[i] = c - 0x20;
  }
  return out;
};

function probesOf(needles: readonly Needle[]): Probe[] {
  const probes: Probe[] = [];
  for (const needle of needles) {
    if (typeof needle === 'string') {
      if (needle.length === 0) throw new Error('an empty needle matches everything');
      const bytes = Buffer.from(needle, 'utf8');
      probes.push({ label: JSON.stringify(needle), text: needle, bytes: [bytes, asciiCase(bytes, true), asciiCase(bytes, false)] });
    } else {
      if (needle.length < 8) throw new Error('a byte needle shorter than 8 bytes would match by chance');
      const label = `<${needle.length} bytes ${needle.subarray(0, 4).toString('hex')}…>`;
      probes.push({ label, bytes: [needle] });
      for (const [name, spelling] of [
        ['hex', needle.toString('hex')],
        ['base64', needle.toString('base64').replace(/=+$/, '')],
        ['base64url', needle.toString('base64url')],
      ] as const) {
        probes.push({ label: `${label} as ${name}`, text: spelling, bytes: [] });
      }
    }
  }
  return probes;
}

/** Searches every column of every table of the database for every needle. */
export async function searchDatabase(target: SearchTarget, needles: readonly Needle[]): Promise<SearchResult> {
  const probes = probesOf(needles);
  return target.dialect === 'sqlite' ? searchSqlite(target.file, probes) : searchPostgres(target.url, probes);
}

const quoteSqlite = (name: string) => `"${name.replaceAll('"', '""')}"`;

function searchSqlite(file: string, probes: Probe[]): SearchResult {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const hits: string[] = [];
    const columns: string[] = [];
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    if (tables.length === 0) throw new Error(`${file} holds no table`);
    for (const { name: table } of tables) {
      for (const { name: column } of db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]) {
        columns.push(`${table}.${column}`);
        const c = quoteSqlite(column);
        const params: unknown[] = [];
        // SQLite is dynamically typed: whatever a column is declared as, each value is tested by its own type.
        const sums = probes.map((probe) => {
          const tests: string[] = [];
          if (probe.text !== undefined) {
            tests.push(`(typeof(${c}) IN ('text', 'integer', 'real') AND instr(lower(CAST(${c} AS TEXT)), lower(?)) > 0)`);
            params.push(probe.text);
          }
          for (const bytes of probe.bytes) {
            tests.push(`(typeof(${c}) = 'blob' AND instr(${c}, ?) > 0)`);
            params.push(bytes);
          }
          return `coalesce(sum(CASE WHEN ${tests.join(' OR ')} THEN 1 ELSE 0 END), 0)`;
        });
        const row = db.prepare(`SELECT ${sums.map((s, i) => `${s} AS n${i}`).join(', ')} FROM ${quoteSqlite(table)}`).get(...params) as Record<string, number>;
        probes.forEach((probe, i) => {
          const n = Number(row[`n${i}`] ?? 0);
          if (n > 0) hits.push(`${probe.label} in ${table}.${column} (${n} rows)`);
        });
      }
    }
    return { hits, columns };
  } finally {
    db.close();
  }
}

async function searchPostgres(url: string, probes: Probe[]): Promise<SearchResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const hits: string[] = [];
    const columns: string[] = [];
    // pg_catalog rather than information_schema.columns: the latter lists only the columns this role
    // may use, so a table it cannot read would silently drop out of the search instead of failing it.
    const { rows: schema } = await client.query<{ schema: string; table: string; column: string; type: string }>(
      `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, format_type(a.atttypid, NULL) AS type
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        ORDER BY n.nspname, c.relname, a.attnum`,
    );
    if (schema.length === 0) throw new Error('the database holds no table this role can see');
    for (const { schema: ns, table, column, type } of schema) {
      columns.push(`${table}.${column}`);
      const c = client.escapeIdentifier(column);
      const params: unknown[] = [];
      const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      const sums = probes.map((probe) => {
        const tests =
          type === 'bytea'
            ? probe.bytes.map((bytes) => `position(${param(bytes)}::bytea in ${c}) > 0`)
            : probe.text === undefined
              ? []
              : [`strpos(lower(${c}::text), lower(${param(probe.text)}::text)) > 0`];
        return tests.length === 0 ? '0' : `coalesce(sum(CASE WHEN ${tests.join(' OR ')} THEN 1 ELSE 0 END), 0)`;
      });
      const { rows } = await client.query(
        `SELECT ${sums.map((s, i) => `${s} AS n${i}`).join(', ')} FROM ${client.escapeIdentifier(ns)}.${client.escapeIdentifier(table)}`,
        params,
      );
      probes.forEach((probe, i) => {
        const n = Number(rows[0]?.[`n${i}`] ?? 0);
        if (n > 0) hits.push(`${probe.label} in ${table}.${column} (${n} rows)`);
      });
    }
    return { hits, columns };
  } finally {
    await client.end();
  }
}
