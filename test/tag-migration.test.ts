// Migration 008 on an SQLite store that holds instances with tags, VPCs and subnets from before it
// (the PostgreSQL store runs the same check in store-postgres.test.ts).
import { test } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { checkResourceTagsMigration } from './support/tag-migration.ts';

test('008: instance tags move to resource_tags, instances.tags is dropped, every VPC gets its default route table', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-migration-'));
  const sqlite = new SQLite(path.join(dir, 'pgcloud.db'));
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await checkResourceTagsMigration(db);
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
