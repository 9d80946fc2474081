// Opens the metadata store and brings its schema up to date. SQLite in the data directory by
// default; PostgreSQL when PGCLOUD_STORE_URL is a postgres:// URL (a shared control plane).
// Only this file knows which dialect is in use.
import path from 'node:path';
import fs from 'node:fs';
import { Kysely, Migrator, SqliteDialect, PostgresDialect, type Migration } from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Database } from './schema.ts';
import * as m001 from './migrations/001_initial.ts';
import * as m002 from './migrations/002_networks.ts';

const migrations: Record<string, Migration> = { '001_initial': m001, '002_networks': m002 };

export type Store = Kysely<Database>;

export async function openStore(dataDir: string, url = process.env.PGCLOUD_STORE_URL): Promise<Store> {
  let db: Kysely<Database>;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }) });
  } else {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const sqlite = new SQLite(path.join(dataDir, 'pgcloud.db'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
