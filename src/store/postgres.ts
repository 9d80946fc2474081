// The PostgreSQL dialect of the metadata store (PGCLOUD_STORE_URL=postgres://…). Only this file and
// db.ts know which dialect is in use; it makes PostgreSQL answer as the SQLite store does, so the
// queries of the other modules run unchanged on both:
//  - int8 (bigint columns, count(*)) and numeric (sum()) come back as JavaScript numbers, as SQLite's
//    integers do, instead of pg's strings; a value beyond Number.MAX_SAFE_INTEGER is an error, never
//    a silently rounded amount;
//  - transactions run one at a time, as on SQLite's single connection: each takes one transaction-level
//    advisory lock when it begins. The read-then-write steps inside transactions (the default network,
//    the lowest free subnet address, the next FlowId / TaskId / ProjectId, a KMS service key) then see
//    each other's writes exactly as on SQLite, instead of racing under READ COMMITTED; the lock is
//    database-wide, so it also holds between processes sharing the store;
//  - the database must sort text as SQLite does (by code point): its collation must be C / POSIX.
import pg from 'pg';
import { CompiledQuery, PostgresDialect, PostgresDriver, sql, type DatabaseConnection, type Driver, type Kysely, type TransactionSettings } from 'kysely';

/** The advisory lock every store transaction holds (an arbitrary constant: "pgcloud" in ASCII). */
const TRANSACTION_LOCK = 0x7067636c6f7564;

const { INT8, NUMERIC } = pg.types.builtins;

function toNumber(oid: number) {
  return (text: string): number => {
    const n = Number(text);
    if (oid === INT8 && !Number.isSafeInteger(n)) throw new RangeError(`store value ${text} is beyond JavaScript's exact integers`);
    return n;
  };
}

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (oid === INT8 || oid === NUMERIC) && format !== 'binary' ? toNumber(oid) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

class SerializedDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await super.beginTransaction(connection, settings);
    await connection.executeQuery(CompiledQuery.raw('select pg_advisory_xact_lock($1)', [TRANSACTION_LOCK]));
  }
}

class StoreDialect extends PostgresDialect {
  constructor(private readonly pool: pg.Pool) {
    super({ pool });
  }
  override createDriver(): Driver {
    return new SerializedDriver({ pool: this.pool });
  }
}

export function postgresDialect(url: string): PostgresDialect {
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  // A connection the server closed while idle (a restart of the store's server) is dropped by the
  // pool; without a listener its error event would end the process.
  pool.on('error', () => {});
  return new StoreDialect(pool);
}

/** Refuses a database whose text order differs from SQLite's (ORDER BY on names, ids and tag keys). */
export async function checkPostgresStore(db: Kysely<any>): Promise<void> {
  // datlocprovider (PostgreSQL 15+): c libc, b builtin (both honour datcollate C), i ICU (never code point order).
  const { rows } = await sql<{ collate: string | null; provider: string | null }>`
    select to_jsonb(d) ->> 'datcollate' as collate, to_jsonb(d) ->> 'datlocprovider' as provider from pg_database d where datname = current_database()`.execute(db);
  const { collate, provider } = rows[0] ?? { collate: null, provider: null };
  if (provider === 'i' || !/^(C|POSIX)(\.utf-?8)?$/i.test(collate ?? ''))
    throw new Error(
      `the store database sorts text by ${provider === 'i' ? 'an ICU locale' : `collation "${collate}"`}; pgcloud needs the C collation (as SQLite's): create it with ` +
        `CREATE DATABASE … TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' (LOCALE_PROVIDER libc where the cluster's default is ICU), or createdb -T template0 --locale=C`,
    );
}
