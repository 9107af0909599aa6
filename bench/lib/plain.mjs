import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The unprotected copy of the contacts: the same columns as `contacts`, every personal value as
 * plaintext TEXT (no *_enc, no *_bidx, no data subject), in its own SQLite file in the same temp
 * dir, opened with the same pragmas as the server (WAL, synchronous=NORMAL, foreign keys).
 * Indexes: id (primary key), (team_id, id) like contacts_team for the scoped list page, and email
 * for the indexed lookup that the encrypted e-mail search is compared with.
 */
export function openPlainCopy(root) {
  const db = new Database(path.join(root, 'plain.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE plain_contacts (
    id TEXT PRIMARY KEY,
    account_id TEXT,
    owner_id TEXT NOT NULL,
    team_id TEXT,
    name TEXT,
    email TEXT,
    phone TEXT,
    id_number TEXT,
    birth_date TEXT,
    address TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`);
  db.exec('CREATE INDEX plain_contacts_team ON plain_contacts (team_id, id)');
  db.exec('CREATE INDEX plain_contacts_email ON plain_contacts (email)');
  const insert = db.prepare(
    `INSERT INTO plain_contacts (id, account_id, owner_id, team_id, name, email, phone, id_number, birth_date, address, created_at, updated_at)
     VALUES (@id, NULL, @ownerId, @teamId, @name, @email, @phone, @idNumber, @birthDate, @address, @now, @now)`,
  );
  const insertChunk = db.transaction((ids, contacts, ownerId, teamId, now) => {
    for (let i = 0; i < ids.length; i++) insert.run({ id: ids[i], ownerId, teamId, now, ...contacts[i] });
  });
  return {
    db,
    insertChunk,
    count: () => db.prepare('SELECT count(*) AS n FROM plain_contacts').get().n,
    close: () => db.close(),
  };
}
