// The instance's admin role, made over the Unix socket as the bootstrap superuser: LOGIN CREATEDB
// CREATEROLE and the monitoring/signalling predefined roles, like TencentDB's pg_tencentdb_superuser
// accounts, but not a superuser. Its password is the SCRAM verifier computed by pgcloud, stored as is.
import pg from 'pg';
import { BOOTSTRAP_USER } from './config.ts';

/** Predefined roles granted to the admin (those that exist in the major). */
export const ADMIN_GRANTS = ['pg_monitor', 'pg_signal_backend', 'pg_read_all_settings', 'pg_read_all_stats', 'pg_stat_scan_tables'];

const ATTRIBUTES = 'LOGIN CREATEDB CREATEROLE NOSUPERUSER INHERIT NOREPLICATION NOBYPASSRLS';

const VERIFIER = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

export const quoteIdent = (s: string): string => `"${s.replaceAll('"', '""')}"`;
export const quoteLiteral = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export interface AdminRole {
  sockDir: string;
  port: number;
  name: string;
  verifier: string;
  /** The cluster was just copied from a template: the role certainly does not exist yet (saves a query). */
  fresh?: boolean;
  /** PostgreSQL major of the cluster (which predefined roles need locking, see SERVER_ROLES). */
  major?: number;
}

/**
 * The predefined roles that reach the server's OS user: programs (COPY ... PROGRAM) and files (COPY
 * to and from files, pg_read_file, lo_import/lo_export). On PostgreSQL 11-15 CREATEROLE may grant any
 * role that is not a superuser, so an admin could grant them to itself; marked SUPERUSER (they stay
 * NOLOGIN) they can be granted by a superuser only (AddRoleMems checks superuser_arg(role) before
 * CREATEROLE), like the bootstrap superuser itself. Nobody holds them: a member could SET ROLE to one
 * and be a superuser. PostgreSQL 10 has none (superuser only), 16+ lets CREATEROLE grant only roles it
 * has ADMIN OPTION on.
 */
export const SERVER_ROLES = ['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files'];
export const serverRolesNeedLock = (major: number | undefined): boolean => major !== undefined && major >= 11 && major <= 15;
const SERVER_ROLES_SQL = `ARRAY[${SERVER_ROLES.map((r) => `'${r}'`).join(', ')}]::name[]`;
const LOCK_SERVER_ROLES = `UPDATE pg_authid SET rolsuper = true WHERE rolname = ANY(${SERVER_ROLES_SQL}) AND NOT rolsuper`;

/**
 * Makes SERVER_ROLES grantable by superusers only, after taking them from whoever holds them (an
 * instance made before, whose admin granted them to itself): memberships removed and the sessions of
 * their members ended (one may have SET ROLE to it) before the roles are marked.
 */
export async function lockServerRoles(client: pg.Client, major: number): Promise<string[]> {
  if (!serverRolesNeedLock(major)) return [];
  const { rows } = await client.query(
    `SELECT ARRAY(SELECT DISTINCT u.rolname::text FROM pg_auth_members m JOIN pg_authid r ON r.oid = m.roleid JOIN pg_authid u ON u.oid = m.member
                   WHERE r.rolname = ANY(${SERVER_ROLES_SQL})) AS members,
            (SELECT count(*) FROM pg_authid WHERE rolname = ANY(${SERVER_ROLES_SQL}) AND NOT rolsuper)::int AS unlocked`,
  );
  const members = rows[0].members as string[];
  if (!members.length && rows[0].unlocked === 0) return [];
  if (members.length) {
    await client.query(`DELETE FROM pg_auth_members WHERE roleid IN (SELECT oid FROM pg_authid WHERE rolname = ANY(${SERVER_ROLES_SQL}))`);
    // Sessions of the former members (and of anyone who became one of the roles) end before the roles turn superuser.
    const sessions = `FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND (usename = ANY($1::text[]) OR usename = ANY(${SERVER_ROLES_SQL}::text[]))`;
    for (let i = 0; i < 500; i++) {
      const { rows: left } = await client.query(`SELECT count(pg_terminate_backend(pid))::int AS n ${sessions}`, [members]);
      if (left[0].n === 0) break;
      await new Promise((res) => setTimeout(res, 10));
    }
  }
  await client.query(LOCK_SERVER_ROLES);
  return members;
}

/** Connects as the bootstrap superuser over the instance's socket; statements of the session are never logged. */
export async function superuserClient(sockDir: string, port: number, database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({
    host: sockDir,
    port,
    user: BOOTSTRAP_USER,
    database,
    application_name: 'pgcloud',
    connectionTimeoutMillis: 10_000,
    // Read-write even on an instance made read-only at its storage quota: pgcloud's own changes must pass.
    options: '-c log_statement=none -c log_min_error_statement=panic -c log_min_duration_statement=-1 -c default_transaction_read_only=off',
  });
  // A session ended by the server's death between queries must not crash the service (see settings.ts).
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Creates the admin role with its grants if it does not exist yet; an existing role is left as it is. */
export async function ensureAdminRole(r: AdminRole): Promise<'created' | 'updated' | 'unchanged'> {
  if (!r.name || r.name.includes('\0') || r.name.length > 63) throw new Error(`invalid admin role name ${JSON.stringify(r.name)}`);
  if (r.name === BOOTSTRAP_USER || r.name.startsWith('pg_')) throw new Error(`the admin role cannot be named ${r.name}`);
  if (!VERIFIER.test(r.verifier)) throw new Error('the admin password must be given as a SCRAM-SHA-256 verifier');
  const client = await superuserClient(r.sockDir, r.port);
  try {
    const role = quoteIdent(r.name);
    if (r.fresh) {
      // Every predefined role granted exists since PostgreSQL 10, and a new cluster has schema public.
      await client.query(
        `BEGIN; CREATE ROLE ${role} ${ATTRIBUTES} PASSWORD ${quoteLiteral(r.verifier)}; ` +
          `GRANT ${ADMIN_GRANTS.map(quoteIdent).join(', ')} TO ${role}; GRANT ALL ON SCHEMA public TO ${role}; ` +
          `${serverRolesNeedLock(r.major) ? `${LOCK_SERVER_ROLES}; ` : ''}COMMIT`,
      );
      return 'created';
    }
    if (r.major !== undefined) await lockServerRoles(client, r.major);
    const { rows } = await client.query(
      `SELECT ARRAY(SELECT rolname::text FROM pg_roles WHERE rolname = ANY($2::text[])) AS available,
              r.oid IS NOT NULL AS present, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
              r.rolreplication, r.rolbypassrls, r.rolpassword,
              ARRAY(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid WHERE m.member = r.oid) AS member_of,
              EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') AS public_exists,
              (SELECT has_schema_privilege(r.oid, n.oid, 'CREATE') FROM pg_namespace n WHERE n.nspname = 'public') AS public_create
         FROM (SELECT 1) AS one LEFT JOIN pg_authid r ON r.rolname = $1`,
      [r.name, ADMIN_GRANTS],
    );
    const row = rows[0];
    const missingGrants = (row.available as string[]).filter((g) => !(row.member_of as string[]).includes(g));
    const sql: string[] = [];
    if (!row.present) {
      sql.push(`CREATE ROLE ${role} ${ATTRIBUTES} PASSWORD ${quoteLiteral(r.verifier)}`);
    } else {
      // The role was made (with its grants, in one transaction) before: from then on its password
      // and attributes belong to the user and to explicit actions (reset password, lock), never
      // silently reverted here.
      return 'unchanged';
    }
    if (missingGrants.length) sql.push(`GRANT ${missingGrants.map(quoteIdent).join(', ')} TO ${role}`);
    // PostgreSQL 15+ no longer lets everyone create in public: the admin may, in its default database.
    if (row.public_exists && (!row.present || row.public_create === false)) sql.push(`GRANT ALL ON SCHEMA public TO ${role}`);
    if (!sql.length) return 'unchanged';
    await client.query(`BEGIN; ${sql.join('; ')}; COMMIT`);
    return row.present ? 'updated' : 'created';
  } finally {
    await client.end().catch(() => {});
  }
}

const checkRoleName = (name: string): void => {
  if (!name || name.includes('\0') || name.length > 63) throw new Error(`invalid role name ${JSON.stringify(name)}`);
  if (name === BOOTSTRAP_USER || name.startsWith('pg_')) throw new Error(`a role cannot be named ${name}`);
};

const withClient = async <T>(sockDir: string, port: number, fn: (c: pg.Client) => Promise<T>, database?: string): Promise<T> => {
  const client = await superuserClient(sockDir, port, database);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
};

export interface Role {
  name: string;
  verifier?: string;
  login: boolean;
  privileged: boolean;
}

/** Creates a role or brings its password, LOGIN and (for a privileged one) attributes and grants in line; ending its sessions when it may no longer log in. */
export async function ensureRole(sockDir: string, port: number, r: Role): Promise<void> {
  checkRoleName(r.name);
  if (r.verifier !== undefined && !VERIFIER.test(r.verifier)) throw new Error('a password must be given as a SCRAM-SHA-256 verifier');
  await withClient(sockDir, port, async (client) => {
    const role = quoteIdent(r.name);
    const { rows } = await client.query(
      'SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS present, ARRAY(SELECT rolname::text FROM pg_roles WHERE rolname = ANY($2::text[])) AS available',
      [r.name, ADMIN_GRANTS],
    );
    const attrs = [r.login ? 'LOGIN' : 'NOLOGIN', ...(r.privileged ? ['CREATEDB', 'CREATEROLE'] : [])].join(' ');
    const password = r.verifier !== undefined ? ` PASSWORD ${quoteLiteral(r.verifier)}` : '';
    const sql = [rows[0].present ? `ALTER ROLE ${role} ${attrs}${password}` : `CREATE ROLE ${role} ${attrs} NOSUPERUSER INHERIT${password}`];
    if (r.privileged && (rows[0].available as string[]).length) sql.push(`GRANT ${(rows[0].available as string[]).map(quoteIdent).join(', ')} TO ${role}`);
    await client.query(`BEGIN; ${sql.join('; ')}; COMMIT`);
    if (!r.login) await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()', [r.name]);
  });
}

/** Drops a role: in every database its objects go to reassignTo and its privileges are revoked, then it is dropped. */
export async function dropRole(sockDir: string, port: number, name: string, reassignTo: string): Promise<void> {
  checkRoleName(name);
  const databases = await withClient(sockDir, port, async (client) => {
    const { rows } = await client.query('SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS present', [name]);
    if (!rows[0].present) return undefined;
    const dbs = await client.query('SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname');
    return dbs.rows.map((d) => d.datname as string);
  });
  if (!databases) return;
  for (const database of databases) {
    await withClient(sockDir, port, (c) => c.query(`REASSIGN OWNED BY ${quoteIdent(name)} TO ${quoteIdent(reassignTo)}; DROP OWNED BY ${quoteIdent(name)}`), database);
  }
  await withClient(sockDir, port, async (client) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [name]);
    await client.query(`DROP ROLE IF EXISTS ${quoteIdent(name)}`);
  });
}

export interface Db {
  name: string;
  owner: string;
  encoding?: string;
  collate?: string;
  ctype?: string;
}

/** Creates a database (from template0 when an encoding or locale is asked for), or sets the owner of an existing one. */
export async function ensureDatabase(sockDir: string, port: number, d: Db): Promise<void> {
  if (!d.name || d.name.includes('\0') || d.name.length > 63) throw new Error(`invalid database name ${JSON.stringify(d.name)}`);
  await withClient(sockDir, port, async (client) => {
    const { rows } = await client.query('SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS present', [d.name]);
    if (rows[0].present) {
      await client.query(`ALTER DATABASE ${quoteIdent(d.name)} OWNER TO ${quoteIdent(d.owner)}`);
      return;
    }
    const opts = [`OWNER ${quoteIdent(d.owner)}`];
    if (d.encoding || d.collate || d.ctype) opts.push('TEMPLATE template0');
    if (d.encoding) opts.push(`ENCODING ${quoteLiteral(d.encoding)}`);
    if (d.collate) opts.push(`LC_COLLATE ${quoteLiteral(d.collate)}`);
    if (d.ctype) opts.push(`LC_CTYPE ${quoteLiteral(d.ctype)}`);
    await client.query(`CREATE DATABASE ${quoteIdent(d.name)} ${opts.join(' ')}`);
  });
}

/** Drops a database after ending its sessions (every major: WITH (FORCE) is 13+ only). */
export async function dropDatabase(sockDir: string, port: number, name: string): Promise<void> {
  await withClient(sockDir, port, async (client) => {
    await client.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS false`).catch((e) => {
      if (e.code !== '3D000') throw e; // already gone
    });
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  });
}

/** Ends every client session but pgcloud's own (after the instance became read-only). */
export async function terminateClients(sockDir: string, port: number): Promise<number> {
  return withClient(sockDir, port, async (client) => {
    const { rowCount } = await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND usename IS NOT NULL AND usename <> $1 AND backend_type = 'client backend'",
      [BOOTSTRAP_USER],
    );
    return rowCount ?? 0;
  });
}
