// Opens the metadata store and brings its schema up to date. SQLite in the data directory by
// default; PostgreSQL when PGCLOUD_STORE_URL is a postgres:// URL (a shared control plane).
// Only this file and postgres.ts (PostgreSQL's side: numbers, serialized transactions, collation)
// know which dialect is in use.
import path from 'node:path';
import fs from 'node:fs';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import SQLite from 'better-sqlite3';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Database } from './schema.ts';
import { checkPostgresStore, postgresDialect } from './postgres.ts';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Every file migrations/NNN_name.ts, applied in name order. */
async function loadMigrations(): Promise<Record<string, Migration>> {
  const files = fs.readdirSync(migrationsDir).filter((f) => /^\d{3}_.+\.ts$/.test(f)).sort();
  // Imported all at once (each is compiled on the way in); applied in name order by the Migrator.
  const mods = await Promise.all(files.map((file) => import(pathToFileURL(path.join(migrationsDir, file)).href)));
  return Object.fromEntries(files.map((file, i) => [file.slice(0, -3), mods[i] as Migration]));
}

export type Store = Kysely<Database>;

export async function openStore(dataDir: string, url = process.env.PGCLOUD_STORE_URL): Promise<Store> {
  let db: Kysely<Database>;
  if (url && !/^postgres(ql)?:\/\//.test(url)) throw new Error(`PGCLOUD_STORE_URL must be a postgres:// URL (got "${url.replace(/\/\/[^@/]*@/, '//…@')}"); leave it unset for SQLite`);
  if (url) {
    db = new Kysely<Database>({ dialect: postgresDialect(url) });
    try {
      await checkPostgresStore(db);
    } catch (e) {
      await db.destroy();
      throw e;
    }
  } else {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Private to us: as root the data directory is traversable (0711) by the PostgreSQL users, and a
    // tenant with a shell through its server could otherwise read every tenant's rows. SQLite gives its
    // -wal and -shm files the database file's mode; ones made by an earlier pgcloud (0644) are fixed.
    const file = path.join(dataDir, 'pgcloud.db');
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  // Branches number their migrations ahead of time (TEAM.md), so one may land after a higher number
  // already ran on an existing store: each is still applied once, in name order among the pending ones.
  const migrator = new Migrator({ db, provider: { getMigrations: loadMigrations }, allowUnorderedMigrations: true });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
