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
}

/** Connects as the bootstrap superuser over the instance's socket; statements of the session are never logged. */
export async function superuserClient(sockDir: string, port: number): Promise<pg.Client> {
  const client = new pg.Client({
    host: sockDir,
    port,
    user: BOOTSTRAP_USER,
    database: 'postgres',
    application_name: 'pgcloud',
    connectionTimeoutMillis: 10_000,
    options: '-c log_statement=none -c log_min_error_statement=panic -c log_min_duration_statement=-1',
  });
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
          `GRANT ${ADMIN_GRANTS.map(quoteIdent).join(', ')} TO ${role}; GRANT ALL ON SCHEMA public TO ${role}; COMMIT`,
      );
      return 'created';
    }
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
