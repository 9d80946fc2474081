// Monitoring: one reading of a running server's statistics. One query over the socket (pg_stat_database,
// pg_stat_activity, pg_prepared_xacts, pg_stat_replication, the WAL directory) and the postmaster's and
// its processes' /proc entries: cheap enough to take every few seconds for every instance.
import fs from 'node:fs';
import type { ServerStatistics } from '../types.ts';
import { BOOTSTRAP_USER } from './config.ts';
import type pg from 'pg';
import { quickClient } from './replication.ts';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux architecture Node runs on). */
const CLK_TCK = 100;

// Sessions are client backends other than pgcloud's own (this reading and the health checks).
const QUERY = `
WITH a AS (
  SELECT state, wait_event_type, xact_start, query_start, state_change, backend_start FROM pg_stat_activity
   WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND NOT (usename = $1 AND application_name = 'pgcloud')
), d AS (
  SELECT COALESCE(sum(xact_commit), 0)::float8 AS xact_commit, COALESCE(sum(xact_rollback), 0)::float8 AS xact_rollback,
         COALESCE(sum(blks_read), 0)::float8 AS blks_read, COALESCE(sum(blks_hit), 0)::float8 AS blks_hit,
         COALESCE(sum(tup_returned), 0)::float8 AS tup_returned, COALESCE(sum(tup_fetched), 0)::float8 AS tup_fetched,
         COALESCE(sum(tup_inserted), 0)::float8 AS tup_inserted, COALESCE(sum(tup_updated), 0)::float8 AS tup_updated,
         COALESCE(sum(tup_deleted), 0)::float8 AS tup_deleted, COALESCE(sum(deadlocks), 0)::float8 AS deadlocks
    FROM pg_stat_database
), r AS (
  SELECT count(*)::int AS standbys, COALESCE(max(pg_wal_lsn_diff(sent_lsn, replay_lsn)), 0)::float8 AS sent_not_replayed,
         COALESCE(max(extract(epoch FROM replay_lag)), 0)::float8 AS replay_delay
    FROM pg_stat_replication
)
SELECT d.*, r.*,
       extract(epoch FROM pg_postmaster_start_time())::float8 AS started_at,
       (SELECT count(*) FROM a)::int AS total,
       (SELECT count(*) FROM a WHERE state IS DISTINCT FROM 'idle')::int AS active,
       (SELECT count(*) FROM a WHERE state = 'idle')::int AS idle,
       (SELECT count(*) FROM a WHERE state = 'idle in transaction')::int AS idle_in_xact,
       (SELECT count(*) FROM a WHERE wait_event_type = 'Lock')::int AS waiting,
       (SELECT count(*) FROM a WHERE xact_start < now() - interval '1 second')::int AS long_xact,
       (SELECT count(*) FROM a WHERE state = 'idle in transaction' AND state_change < now() - interval '5 seconds')::int AS long_idle_in_xact,
       (SELECT count(*) FROM a WHERE state = 'active' AND query_start < now() - interval '1 second')::int AS long_query,
       (SELECT count(*) FROM a WHERE backend_start > now() - interval '5 seconds')::int AS new_in_5s,
       (SELECT count(*) FROM pg_prepared_xacts)::int AS prepared,
       (SELECT count(*) FROM pg_prepared_xacts WHERE prepared < now() - interval '5 seconds')::int AS prepared_old,
       (SELECT 2147483647 - max(age(datfrozenxid)) FROM pg_database)::float8 AS remain_xid,
       (SELECT COALESCE(sum(size), 0) FROM pg_ls_waldir())::float8 AS wal_bytes,
       CASE WHEN $2 THEN (SELECT sum(pg_database_size(oid)) FROM pg_database)::float8 END AS data_bytes
  FROM d, r`;

/**
 * One kept session per server for the readings: a new session each time would cost its start (a fork,
 * the login, cold catalogue caches) several times over what the query itself costs (bench/monitor.ts).
 * A session the server ended (a stop, a restart, a fence) fails its next query and is made again.
 */
export class StatisticsSessions {
  private readonly sessions = new Map<string, { key: string; client: Promise<pg.Client> }>();

  async read(id: string, sock: string, port: number, postmasterPid: number, withDataSize: boolean): Promise<ServerStatistics> {
    const key = `${sock}:${port}:${postmasterPid}`;
    let s = this.sessions.get(id);
    if (s && s.key !== key) this.drop(id);
    s = this.sessions.get(id);
    if (!s) {
      s = { key, client: quickClient(sock, port, 5000) };
      this.sessions.set(id, s);
    }
    try {
      const client = await s.client;
      const row = (await client.query(QUERY, [BOOTSTRAP_USER, withDataSize])).rows[0] as Record<string, number | null>;
      return toStatistics(row, postmasterPid);
    } catch (e) {
      this.drop(id);
      throw e;
    }
  }

  /** Ends the instance's session (before its server stops, or after an error). */
  drop(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    s.client.then((c) => c.end()).catch(() => {});
  }

  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.drop(id);
  }
}

function toStatistics(row: Record<string, number | null>, postmasterPid: number): ServerStatistics {
  const procs = processUsage(postmasterPid);
  const n = (k: string): number => Number(row[k] ?? 0);
  return {
    at: Date.now(),
    startedAt: n('started_at') * 1000,
    counters: {
      xactCommit: n('xact_commit'), xactRollback: n('xact_rollback'), blksRead: n('blks_read'), blksHit: n('blks_hit'),
      tupReturned: n('tup_returned'), tupFetched: n('tup_fetched'), tupInserted: n('tup_inserted'), tupUpdated: n('tup_updated'),
      tupDeleted: n('tup_deleted'), deadlocks: n('deadlocks'), cpuSeconds: procs.cpuSeconds,
    },
    sessions: {
      total: n('total'), active: n('active'), idle: n('idle'), idleInXact: n('idle_in_xact'), waiting: n('waiting'),
      longXact: n('long_xact'), longIdleInXact: n('long_idle_in_xact'), longQuery: n('long_query'), newIn5s: n('new_in_5s'),
    },
    prepared: { total: n('prepared'), olderThan5s: n('prepared_old') },
    remainXid: n('remain_xid'),
    memoryBytes: procs.memoryBytes,
    walBytes: n('wal_bytes'),
    dataBytes: row.data_bytes === null ? undefined : n('data_bytes'),
    replication: n('standbys') > 0 ? { sentNotReplayedBytes: n('sent_not_replayed'), replayDelaySeconds: n('replay_delay') } : undefined,
  };
}

/**
 * CPU time and memory of the postmaster and its children (the backends and background processes). The
 * postmaster's cutime/cstime hold the CPU time of the children it has reaped, so short-lived
 * connections count too. Memory: each process's private resident memory plus the shared memory once
 * (every process maps the same shared buffers).
 */
function processUsage(pid: number): { cpuSeconds: number; memoryBytes: number } {
  let ticks = 0;
  let privateKb = 0;
  let sharedKb = 0;
  const pids = [pid, ...children(pid)];
  for (const p of pids) {
    const stat = read(`/proc/${p}/stat`);
    if (stat) {
      // Fields after the command (which may hold spaces) in parentheses: utime is the 14th field overall.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + (p === pid ? Number(f[13]) + Number(f[14]) : 0);
    }
    const status = read(`/proc/${p}/status`);
    if (status) {
      privateKb += kb(status, 'RssAnon');
      sharedKb = Math.max(sharedKb, kb(status, 'RssShmem'));
    }
  }
  return { cpuSeconds: ticks / CLK_TCK, memoryBytes: (privateKb + sharedKb) * 1024 };
}

function children(pid: number): number[] {
  const listed = read(`/proc/${pid}/task/${pid}/children`);
  if (listed !== undefined) return listed.trim().split(/\s+/).filter(Boolean).map(Number);
  // Kernels without CONFIG_PROC_CHILDREN: scan /proc for the processes whose parent is the postmaster.
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const stat = read(`/proc/${e}/stat`);
    if (stat && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(e));
  }
  return out;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const kb = (status: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
