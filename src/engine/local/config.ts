// An instance's PostgreSQL configuration, derived from its spec.
//
// Settings that need a restart (address, port, socket directory, memory, connection limit) go on the
// postmaster's command line: /proc/<pid>/cmdline then tells exactly what a running server uses, so an
// adopted server whose spec changed is restarted, and one that matches is left alone. Reloadable
// settings go in pgcloud.conf (included from postgresql.conf), with pg_hba.conf; a SIGHUP applies them.
import os from 'node:os';
import type { AccessRule, InstanceSpec } from '../types.ts';
import { sizing } from '../../core/sizing.ts';

export { sizing, type Sizing } from '../../core/sizing.ts';

/** The cluster's bootstrap superuser: pgcloud's own, reachable only over the instance's Unix socket. */
export const BOOTSTRAP_USER = 'tencentdb_pgcloud';
/** The logging collector's directory, relative to the data directory. */
export const LOG_DIR = 'log';

export const CONF_FILE = 'pgcloud.conf';
export const INCLUDE_LINE = `include '${CONF_FILE}'`;

/** Arguments of `postgres` after the binary: -D first, then the restart-only settings. */
export function postmasterArgs(spec: InstanceSpec, dataDir: string, sockDir: string): string[] {
  if (/[,"]/.test(sockDir)) throw new Error(`socket directory ${sockDir} must not contain a comma or a double quote`);
  const listen = [spec.host, ...(spec.alsoListen ?? [])];
  for (const h of listen) if (!/^[0-9A-Za-z.:%*-]+$/.test(h)) throw new Error(`invalid listen address ${JSON.stringify(h)}`);
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) throw new Error(`invalid port ${spec.port}`);
  const s = sizing(spec.memoryMb, spec.cpu);
  // Same order as ever, so a server started by an older pgcloud is not restarted for nothing.
  const settings = new Map<string, string>([
    ['listen_addresses', listen.join(',')],
    ['port', String(spec.port)],
    ['unix_socket_directories', sockDir],
    ['shared_buffers', `${s.sharedBuffersMb}MB`],
    ['max_connections', String(s.maxConnections)],
    ['huge_pages', 'off'],
    // On for the csvlog (DescribeSlowQueryList, DescribeDBErrlogs): what the server logs after its
    // start goes to the data directory's log/, server.log keeps what comes before (start-up errors).
    ['logging_collector', 'on'],
  ]);
  // Tenant settings override the sizing defaults, never the address, sockets or logging.
  const fixed = new Set(['listen_addresses', 'port', 'unix_socket_directories', 'huge_pages', 'logging_collector']);
  for (const [k, v] of Object.entries(spec.startSettings ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    checkSetting(k, v);
    if (!fixed.has(k)) settings.set(k, v);
  }
  return ['-D', dataDir, ...[...settings].flatMap(([k, v]) => ['-c', `${k}=${v}`])];
}

/**
 * A quoted value of postgresql.conf: the configuration lexer reads backslash escapes inside quotes, so
 * a backslash is doubled as well as a quote (else a trailing backslash would escape the closing quote).
 */
const q = (v: string): string => `'${v.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/** synchronous_standby_names for these standby names (application_name of each). */
export const synchronousNames = (names: string[]): string => names.map((n) => `"${n.replaceAll('"', '')}"`).join(', ');

/**
 * pgcloud.conf with the one line of name set to value (appended when missing), the rest as it is: how a
 * single reloadable setting is changed without the instance's whole spec.
 */
export function withSetting(conf: string, name: string, value: string): string {
  checkSetting(name, value);
  const line = `${name} = ${q(value)}`;
  const re = new RegExp(`^${name.replaceAll('.', '\\.')} = .*$`, 'm');
  return re.test(conf) ? conf.replace(re, () => line) : `${conf}${conf.endsWith('\n') || conf === '' ? '' : '\n'}${line}\n`;
}

function checkSetting(name: string, value: string): void {
  if (!/^[a-z_][a-z0-9_.]*$/.test(name)) throw new Error(`invalid setting name ${JSON.stringify(name)}`);
  if (/[\0\n\r]/.test(value)) throw new Error(`invalid value for setting ${name}`);
}

/** pgcloud.conf: the reloadable settings (and extra: the engine's own, e.g. a standby's primary_conninfo). */
export function renderConf(spec: InstanceSpec, extra: Record<string, string> = {}): string {
  const s = sizing(spec.memoryMb, spec.cpu);
  const lines: Array<[string, string]> = [
    ['password_encryption', q('scram-sha-256')],
    ['effective_cache_size', q(`${s.effectiveCacheSizeMb}MB`)],
    ['work_mem', q(`${s.workMemMb}MB`)],
    ['maintenance_work_mem', q(`${s.maintenanceWorkMemMb}MB`)],
    ['max_parallel_workers', String(s.parallelWorkers)],
    ['max_parallel_workers_per_gather', String(s.parallelWorkersPerGather)],
    ['log_line_prefix', q('%m [%p] %q%u@%d ')],
    // The machine-readable log (csvlog, through the logging collector) beside the text one, in the data
    // directory's log/ (see serverlog.ts): UTC times, a file a day or per 10 MB, private to the server.
    ['log_destination', q('stderr,csvlog')],
    ['log_directory', q(LOG_DIR)],
    ['log_filename', q('postgresql-%Y-%m-%d_%H%M%S.log')],
    ['log_rotation_age', q('1d')],
    ['log_rotation_size', q('10MB')],
    ['log_file_mode', '0600'],
    ['log_timezone', q('UTC')],
  ];
  const fixed = new Set(lines.map(([k]) => k).filter((k) => k.startsWith('log_') || k === 'password_encryption'));
  for (const [k, v] of Object.entries(spec.settings ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    checkSetting(k, v);
    if (fixed.has(k)) continue;
    const i = lines.findIndex(([n]) => n === k);
    if (i >= 0) lines.splice(i, 1);
    lines.push([k, q(v)]);
  }
  if (spec.readOnly) lines.push(['default_transaction_read_only', 'on']);
  for (const [k, v] of Object.entries(extra)) {
    checkSetting(k, v);
    lines.push([k, q(v)]);
  }
  return (
    '# Managed by pgcloud and rewritten whenever the instance is ensured: do not edit.\n' +
    '# Restart-only settings (address, port, sockets, memory, connections) are on the postmaster command line.\n' +
    lines.map(([k, v]) => `${k} = ${v}\n`).join('')
  );
}

/**
 * Which OS users may log in over the socket as the bootstrap superuser (peer authentication with an
 * ident map): for SQL only pgcloud's own (root, when pgcloud is root), for replication also the
 * instance's own user (the standby's walreceiver runs as it; a replication session runs no SQL).
 * undefined: pgcloud's user has no name to map (no passwd entry), and the socket, which only that user
 * and root can reach, is trusted.
 */
export interface SocketPeers {
  superuser: string[];
  replication: string[];
}

/** The ident maps of pg_ident.conf for these peers. */
export function renderIdent(peers?: SocketPeers): string {
  const line = (map: string, os: string) => `${map.padEnd(20)} ${os.padEnd(32)} ${BOOTSTRAP_USER}`;
  return [
    '# Managed by pgcloud and rewritten whenever the instance is ensured: do not edit.',
    '# MAPNAME             SYSTEM-USERNAME                  PG-USERNAME',
    ...(peers ? [...new Set(peers.superuser)].map((u) => line('pgcloud', u)) : []),
    ...(peers ? [...new Set([...peers.superuser, ...peers.replication])].map((u) => line('pgcloud_replication', u)) : []),
    '',
  ].join('\n');
}

/**
 * pg_hba.conf: the bootstrap superuser only over the Unix socket, and only for the OS users of peers;
 * everyone else only over TCP with SCRAM. With access rules, each rule becomes a line in order
 * (allowed: scram-sha-256, refused: reject) and any other source address is rejected; without, any
 * address may try to log in.
 */
export function renderHba(rules?: AccessRule[], peers?: SocketPeers): string {
  const tail = rules
    ? [
        ...rules.map((r) => {
          if (!/^[0-9A-Fa-f.:]+\/\d{1,3}$/.test(r.cidr)) throw new Error(`invalid access rule address ${JSON.stringify(r.cidr)}`);
          return `host    all          all                ${r.cidr.padEnd(12)} ${r.allow ? 'scram-sha-256' : 'reject'}`;
        }),
        'host    all          all                0.0.0.0/0    reject',
        'host    all          all                ::/0         reject',
      ]
    : ['host    all          all                0.0.0.0/0    scram-sha-256', 'host    all          all                ::/0         scram-sha-256'];
  const sql = peers ? 'peer map=pgcloud' : 'trust';
  const replication = peers ? 'peer map=pgcloud_replication' : 'trust';
  return [
    '# Managed by pgcloud and rewritten whenever the instance is ensured: do not edit.',
    '# TYPE  DATABASE     USER               ADDRESS      METHOD',
    `local   all          ${BOOTSTRAP_USER}                   ${sql}`,
    `local   replication  ${BOOTSTRAP_USER}                   ${replication}`,
    `host    all          ${BOOTSTRAP_USER}  0.0.0.0/0    reject`,
    `host    all          ${BOOTSTRAP_USER}  ::/0         reject`,
    `host    replication  ${BOOTSTRAP_USER}  0.0.0.0/0    reject`,
    `host    replication  ${BOOTSTRAP_USER}  ::/0         reject`,
    ...tail,
    '',
  ].join('\n');
}

/** The socket peers of an instance whose servers run as instanceUser (see SocketPeers). */
export function socketPeers(instanceUser: string): SocketPeers | undefined {
  let me: string;
  try {
    me = os.userInfo().username;
  } catch {
    return undefined;
  }
  return { superuser: [me], replication: [instanceUser] };
}
