// Object privileges on a running server, over the bootstrap superuser's socket: the privileges a role
// holds (has_*_privilege, so PUBLIC, memberships and ownership count), GRANT/REVOKE, and the objects
// of a type. Objects are looked up in the catalog by exact name first (parameters, never SQL text);
// the statements then name them with quoted identifiers (escapeIdentifier) or, for routines, with the
// server's own regprocedure text under an empty search_path (always schema-qualified and quoted).
import pg from 'pg';
import { MissingObjectError, PRIVILEGES, type ObjectRef, type ObjectsQuery, type ObjectType, type PrivilegeChange } from '../../core/privileges.ts';
import { superuserClient } from './roles.ts';

const ident = (s: string): string => pg.escapeIdentifier(s);

const RELKINDS: Partial<Record<ObjectType, string[]>> = { table: ['r', 'p'], view: ['v'], matview: ['m'], sequence: ['S'], column: ['r', 'p', 'v', 'm', 'f'] };
const HIDDEN_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

type Client = pg.Client;

/** One open superuser session per database, closed by the caller's finally. */
class Sessions {
  private readonly open = new Map<string, Promise<Client>>();
  constructor(private readonly sock: string, private readonly port: number) {}

  async in(database: string): Promise<Client> {
    let c = this.open.get(database);
    if (!c) {
      c = (async () => {
        if (database !== 'postgres') {
          const admin = await this.in('postgres');
          const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1 AND NOT datistemplate AND datallowconn', [database]);
          if (!rows.length) throw new MissingObjectError(`database "${database}" does not exist`);
        }
        const client = await superuserClient(this.sock, this.port, database);
        client.on('error', () => {});
        await client.query("SET search_path = ''");
        return client;
      })();
      this.open.set(database, c);
    }
    return c;
  }

  async close(): Promise<void> {
    for (const c of this.open.values()) await c.then((x) => x.end(), () => {}).catch(() => {});
  }
}

async function withSessions<T>(sock: string, port: number, fn: (s: Sessions) => Promise<T>): Promise<T> {
  const s = new Sessions(sock, port);
  try {
    return await fn(s);
  } catch (e: any) {
    // A role or object gone meanwhile (42704 undefined_object, 3F000 invalid_schema_name, 42P01 undefined_table, 42883 undefined_function).
    if (['42704', '3F000', '42P01', '42883', '42703'].includes(e?.code)) throw new MissingObjectError(e.message);
    throw e;
  } finally {
    await s.close();
  }
}

const where = (o: ObjectRef): string => o.type === 'database' ? `database "${o.name}"` : `${o.type} "${[o.schema, o.table, o.name].filter(Boolean).join('.')}" in database "${o.database}"`;

async function routineCondition(c: Client, type: 'function' | 'procedure'): Promise<string> {
  const { rows } = await c.query("SELECT current_setting('server_version_num')::int AS v");
  if (rows[0].v >= 110000) return type === 'function' ? "p.prokind IN ('f', 'w')" : "p.prokind = 'p'";
  return type === 'function' ? 'NOT p.proisagg' : 'false';
}

/** The object's OID in its database (and its SQL name for a routine); MissingObjectError if it has none. */
async function resolve(s: Sessions, o: ObjectRef): Promise<{ c: Client; oid: number; sqlName?: string }> {
  if (o.type === 'database') {
    const c = await s.in('postgres');
    const { rows } = await c.query('SELECT oid FROM pg_database WHERE datname = $1 AND NOT datistemplate', [o.name]);
    if (!rows.length) throw new MissingObjectError(`${where(o)} does not exist`);
    return { c, oid: rows[0].oid };
  }
  const c = await s.in(o.database!);
  let rows: any[];
  if (o.type === 'schema') {
    ({ rows } = await c.query('SELECT oid FROM pg_namespace WHERE nspname = $1', [o.name]));
  } else if (o.type === 'column') {
    ({ rows } = await c.query(
      'SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = ANY($3) AND a.attname = $4 AND a.attnum > 0 AND NOT a.attisdropped',
      [o.schema, o.table, RELKINDS.column, o.name],
    ));
  } else if (o.type === 'type') {
    ({ rows } = await c.query('SELECT t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typname = $2', [o.schema, o.name]));
  } else if (o.type === 'function' || o.type === 'procedure') {
    // Named "f" (one routine of that name) or "f(integer, text)" as DescribeDatabaseObjects lists it.
    const cond = await routineCondition(c, o.type);
    ({ rows } = await c.query(
      `SELECT p.oid, p.oid::regprocedure::text AS sql_name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = $1 AND ${cond} AND (p.proname = $2 OR format('%s(%s)', p.proname, pg_get_function_identity_arguments(p.oid)) = $2)`,
      [o.schema, o.name],
    ));
    if (rows.length > 1) throw new MissingObjectError(`${where(o)} names ${rows.length} routines: give its arguments, e.g. ${o.name}(integer)`);
  } else {
    ({ rows } = await c.query('SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = ANY($3)', [o.schema, o.name, RELKINDS[o.type]]));
  }
  if (!rows.length) throw new MissingObjectError(`${where(o)} does not exist`);
  return { c, oid: rows[0].oid, sqlName: rows[0].sql_name };
}

function hasCall(type: ObjectType): string {
  switch (type) {
    case 'database': return 'has_database_privilege($1, $2::oid, $3)';
    case 'schema': return 'has_schema_privilege($1, $2::oid, $3)';
    case 'sequence': return 'has_sequence_privilege($1, $2::oid, $3)';
    case 'column': return 'has_column_privilege($1, $2::oid, $4, $3)';
    case 'type': return 'has_type_privilege($1, $2::oid, $3)';
    case 'function': case 'procedure': return 'has_function_privilege($1, $2::oid, $3)';
    default: return 'has_table_privilege($1, $2::oid, $3)';
  }
}

export async function privilegesOf(sock: string, port: number, role: string, objects: ObjectRef[]): Promise<string[][]> {
  return withSessions(sock, port, async (s) => {
    const out: string[][] = [];
    for (const o of objects) {
      const { c, oid } = await resolve(s, o);
      const held: string[] = [];
      for (const p of PRIVILEGES[o.type]) {
        const { rows } = await c.query(`SELECT ${hasCall(o.type)} AS ok`, o.type === 'column' ? [role, oid, p, o.name] : [role, oid, p]);
        if (rows[0].ok) held.push(p);
      }
      out.push(held);
    }
    return out;
  });
}

/** The ON clause (and column list) naming the object. */
function target(o: ObjectRef, sqlName: string | undefined, routineKeyword: string): { on: string; columns: string } {
  const qualified = (n: string) => `${ident(o.schema!)}.${ident(n)}`;
  switch (o.type) {
    case 'database': return { on: `DATABASE ${ident(o.name)}`, columns: '' };
    case 'schema': return { on: `SCHEMA ${ident(o.name)}`, columns: '' };
    case 'sequence': return { on: `SEQUENCE ${qualified(o.name)}`, columns: '' };
    case 'column': return { on: `TABLE ${qualified(o.table!)}`, columns: ` (${ident(o.name)})` };
    case 'type': return { on: `TYPE ${qualified(o.name)}`, columns: '' };
    case 'function': case 'procedure': return { on: `${routineKeyword} ${sqlName}`, columns: '' };
    default: return { on: `TABLE ${qualified(o.name)}`, columns: '' };
  }
}

export async function changePrivileges(sock: string, port: number, role: string, changes: PrivilegeChange[]): Promise<void> {
  await withSessions(sock, port, async (s) => {
    // Every object first: a request naming one that is missing changes nothing.
    const planned: Array<{ c: Client; sql: string }> = [];
    for (const ch of changes) {
      const { c, sqlName } = await resolve(s, ch.object);
      const { rows } = await c.query("SELECT current_setting('server_version_num')::int AS v");
      const t = target(ch.object, sqlName, rows[0].v >= 110000 ? 'ROUTINE' : 'FUNCTION');
      const privs = ch.privileges.map((p) => `${p}${t.columns}`).join(', ');
      planned.push({ c, sql: ch.grant ? `GRANT ${privs} ON ${t.on} TO ${ident(role)}` : `REVOKE ${privs} ON ${t.on} FROM ${ident(role)}${ch.cascade ? ' CASCADE' : ''}` });
    }
    const clients = [...new Set(planned.map((p) => p.c))];
    for (const c of clients) {
      await c.query('BEGIN');
      try {
        for (const p of planned.filter((x) => x.c === c)) await c.query(p.sql);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      }
    }
  });
}

export async function objectsOf(sock: string, port: number, q: ObjectsQuery): Promise<{ names: string[]; total: number }> {
  return withSessions(sock, port, async (s) => {
    let sql: string;
    let params: unknown[];
    if (q.type === 'database') {
      sql = 'SELECT datname AS name FROM pg_database WHERE NOT datistemplate';
      params = [];
    } else if (q.type === 'schema') {
      sql = `SELECT n.nspname AS name FROM pg_namespace n WHERE ${HIDDEN_SCHEMAS}`;
      params = [];
    } else if (q.type === 'column') {
      sql = `SELECT a.attname AS name FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = ANY($3) AND a.attnum > 0 AND NOT a.attisdropped`;
      params = [q.schema, q.table, RELKINDS.column];
    } else if (q.type === 'type') {
      // Types made with CREATE TYPE/DOMAIN: not the row types of tables, not arrays.
      sql = `SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class c ON c.oid = t.typrelid
             WHERE n.nspname = $1 AND (t.typrelid = 0 OR c.relkind = 'c') AND NOT (t.typcategory = 'A' AND t.typelem <> 0)`;
      params = [q.schema];
    } else if (q.type === 'function' || q.type === 'procedure') {
      const c = await s.in(q.database!);
      sql = `SELECT format('%s(%s)', p.proname, pg_get_function_identity_arguments(p.oid)) AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = $1 AND ${await routineCondition(c, q.type)}`;
      params = [q.schema];
    } else {
      sql = 'SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = ANY($2)';
      params = [q.schema, RELKINDS[q.type]];
    }
    const c = await s.in(q.type === 'database' ? 'postgres' : q.database!);
    const n = params.length;
    const { rows } = await c.query(`SELECT name, count(*) OVER () AS total FROM (${sql}) o ORDER BY name COLLATE "C" LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, q.limit, q.offset]);
    if (rows.length) return { names: rows.map((r) => r.name as string), total: Number(rows[0].total) };
    // An empty page: how many there are all the same.
    const { rows: all } = await c.query(`SELECT count(*) AS total FROM (${sql}) o`, params);
    return { names: [], total: Number(all[0].total) };
  });
}
