import pg from 'pg';

/**
 * PostgreSQL only: makes concurrent requests line up at a write, deterministically. Holds row locks
 * (FOR NO KEY UPDATE: plain reads and foreign-key checks go on, updates of those rows wait) on the
 * rows of `table` that `where` selects, while `start` launches the requests; waits until `writers` of
 * them are blocked updating the table — so every one has done its reads — then lets them all go.
 * A guard that reads and then writes without a condition lets all of them through; a conditional
 * write lets one.
 */
export async function inLockStep<T>(
  databaseUrl: string,
  lock: { table: string; where: string; params: unknown[] },
  writers: number,
  start: () => Promise<T>,
): Promise<T> {
  const holder = new pg.Client({ connectionString: databaseUrl });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM ${lock.table} WHERE ${lock.where} FOR NO KEY UPDATE`, lock.params);
    const running = start();
    const deadline = performance.now() + 20_000; // Date may be faked by the test
    for (;;) {
      // Inside a transaction pg_stat_activity is a snapshot taken once: clear it before each look.
      await holder.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await holder.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query ILIKE $1`,
        [`update "${lock.table}"%`],
      );
      if (rows[0].n >= writers) break;
      if (performance.now() > deadline) throw new Error(`only ${rows[0].n} of ${writers} requests reached the write on ${lock.table}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await holder.query('COMMIT');
    return await running;
  } finally {
    await holder.end();
  }
}

/** How many backends of the database wait for a lock while running a statement that matches `pattern` (ILIKE). */
export async function lockWaiters(databaseUrl: string, pattern: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE $1`,
      [pattern],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}
