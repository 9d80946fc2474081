// The engine turns a plain instance spec into a running PostgreSQL server and reports what it sees.
// It knows nothing of Tencent: no zones, no orders, no API field names.
import type { HostCapacity } from '../core/host.ts';
import type { InstanceCatalog } from '../core/privileges.ts';
import type { InstanceLogs } from '../core/logs.ts';

export interface InstalledVersion {
  major: string; // "15"
  version: string; // "15.18"
}

export interface InstanceSpec {
  id: string;
  major: string;
  encoding: 'UTF8' | 'LATIN1';
  cpu: number;
  memoryMb: number;
  storageGb: number;
  /** Address and port the server listens on for clients. */
  host: string;
  port: number;
  /** More addresses the server listens on (same port), e.g. a stable address that follows the primary. */
  alsoListen?: string[];
  /** Streaming replication: undefined is a lone server (a primary without standbys). */
  replication?: ReplicationSpec;
  adminName: string;
  /** SCRAM-SHA-256 verifier of the admin password (never the password itself). */
  adminVerifier: string;
  /** Reloadable settings (name → value as PostgreSQL reads it), applied by a reload. */
  settings?: Record<string, string>;
  /** Settings that need a restart; they override the engine's sizing defaults of the same name. */
  startSettings?: Record<string, string>;
  /** New transactions are read-only and existing client sessions are ended when it turns on. */
  readOnly?: boolean;
  /**
   * Who may connect over TCP, first match wins, everyone else refused; applied by a reload.
   * Undefined: any address may try to log in (with a password).
   */
  accessRules?: AccessRule[];
  /**
   * Data files encrypted at rest under this passphrase (given to the encryption layer on a pipe, never
   * written to disk). Chosen when the data directory is first made: an existing cluster is never switched.
   */
  encryption?: { passphrase: string };
  /**
   * Continuous WAL archiving into the engine's backup store of this name (the instance's, shared by its
   * HA nodes: whichever is primary archives there). Undefined: no archiving.
   */
  archive?: { store: string };
  /**
   * A new data directory is made from this base backup of that store, then recovers from the store's
   * archived WAL up to targetTime (ISO; undefined: only until the backup is consistent) and is
   * promoted. Only used when the data directory is first made.
   */
  restore?: { store: string; backup: string; targetTime?: string };
  /**
   * TLS on (ssl = on) with a server certificate for address (its IP SAN, or DNS name) signed by this CA,
   * made in the data directory (key 0600) and kept while it still fits. Undefined: ssl = off. The CA's
   * key is used in memory (and a private temporary file while signing), never written beside the server.
   */
  tls?: TlsSpec;
}

export interface TlsSpec {
  caCertPem: string;
  caKeyPem: string;
  address: string;
}

/** A base backup as the engine took it (see Engine.takeBaseBackup). */
export interface BaseBackupResult {
  startLsn: string;
  stopLsn: string;
  timeline: number;
  /** The WAL segment recovery from this backup starts at. */
  startWal: string;
  /** Server clock when the backup started and when it was complete (consistent from stopLsn on). */
  startedAt: Date;
  stoppedAt: Date;
  /** Bytes of the backup's files. */
  size: number;
  files: number;
  /** sha256 of its manifest.json (which lists every file with its sha256). */
  manifestSha256: string;
}

/** The archived WAL of a backup store (see Engine.archivedWal). */
export interface ArchivedWal {
  name: string;
  size: number;
  modifiedAt: Date;
}

/**
 * The server's part in physical streaming replication between servers of this engine.
 * - primary: keeps a physical replication slot per standby; synchronous names the standbys whose
 *   flush a commit waits for (synchronous_standby_names; empty: asynchronous). A server that is a
 *   standby is promoted first.
 * - standby: a streaming replica of the server `upstream` (made from a base backup of it when it has
 *   no data directory, or when its data directory is not a standby's: a former primary is rebuilt);
 *   upstreamPort is the upstream's port when it differs from the standby's own (a read-only instance).
 */
export type ReplicationSpec =
  | { role: 'primary'; slots: string[]; synchronous: string[] }
  | { role: 'standby'; upstream: string; slot: string; name: string; upstreamPort?: number };

/** A standby as its primary sees it (pg_stat_replication), lags in bytes of WAL behind the primary. */
export interface ReplicaState {
  name: string;
  /** "startup", "catchup" (behind), "streaming" (caught up), ... */
  state: string;
  /** "sync", "async", "potential", "quorum". */
  syncState: string;
  /** Position the standby has flushed to disk, as bytes of WAL since 0/0 (-1: none yet). */
  flushLsn: number;
  flushLagBytes: number;
  replayLagBytes: number;
}

/** A client source range (IPv4 or IPv6 CIDR) and whether a login from it may proceed. */
export interface AccessRule {
  cidr: string;
  allow: boolean;
}

/** A login role of an instance, made or brought in line over the bootstrap superuser's socket. */
export interface RoleSpec {
  name: string;
  /** SCRAM-SHA-256 verifier; undefined keeps the current password. */
  verifier?: string;
  login: boolean;
  /** CREATEDB, CREATEROLE and the monitoring roles, like the admin account. */
  privileged: boolean;
}

export interface DatabaseSpec {
  name: string;
  owner: string;
  encoding?: string;
  collate?: string;
  ctype?: string;
}

/** One setting of a running server, as pg_settings shows it to a superuser. */
export interface ServerSetting {
  name: string;
  /** The value in effect, in the setting's base unit. */
  setting: string;
  /** Base unit of a number ("ms", "s", "min", "B", "kB", "8kB", "MB", "16MB") or null. */
  unit: string | null;
  vartype: 'bool' | 'integer' | 'real' | 'string' | 'enum';
  /** When a change takes effect: "postmaster" (restart), "sighup" (reload), "user", "superuser", "internal", ... */
  context: string;
  category: string;
  description: string;
  min: string | null;
  max: string | null;
  enumValues: string[] | null;
  bootValue: string | null;
  resetValue: string | null;
  /** Changed in the configuration file but waiting for a restart. */
  pendingRestart: boolean;
}

/**
 * What one reading of a running server's statistics shows: cumulative counters since its statistics were
 * last reset (pg_stat_database, summed over databases), sessions as pg_stat_activity shows them, and its
 * processes' CPU time and memory (from /proc). The caller turns two readings into rates.
 */
export interface ServerStatistics {
  /** When the reading was taken (ms since the epoch). */
  at: number;
  /** When the postmaster started (a restart resets the counters). */
  startedAt: number;
  counters: {
    xactCommit: number;
    xactRollback: number;
    blksRead: number;
    blksHit: number;
    tupReturned: number;
    tupFetched: number;
    tupInserted: number;
    tupUpdated: number;
    tupDeleted: number;
    deadlocks: number;
    /** CPU time of the postmaster, its live processes and the ones it has reaped, in seconds. */
    cpuSeconds: number;
  };
  /** Client sessions (the reading's own excluded) by state, and how many are long-running. */
  sessions: { total: number; active: number; idle: number; idleInXact: number; waiting: number; longXact: number; longIdleInXact: number; longQuery: number; newIn5s: number };
  prepared: { total: number; olderThan5s: number };
  /** Transaction IDs left before wraparound in the database that has the fewest. */
  remainXid: number;
  /** Bytes of private memory of the server's processes plus its shared memory once. */
  memoryBytes: number;
  /** Bytes the WAL files take. */
  walBytes: number;
  /** Bytes the databases' files take (only when asked: it costs a walk of their directories). */
  dataBytes?: number;
  /** Streaming standbys (on a primary): the largest sent-but-not-replayed WAL and replay delay. */
  replication?: { sentNotReplayedBytes: number; replayDelaySeconds: number };
}

export interface ObservedInstance {
  /** The data directory exists. */
  exists: boolean;
  /** A postmaster for this data directory is alive and accepts connections. */
  running: boolean;
  pid?: number;
}

/** A connection balancer: an address of its own spreading new connections over member servers by weight. */
export interface BalancerSpec {
  id: string;
  host: string;
  port: number;
  members: Array<{ id: string; host: string; port: number; weight: number }>;
}

/** InstanceCatalog and InstanceLogs: the running server's objects, privileges and log, read live (see core/privileges.ts, core/logs.ts). */
export interface Engine extends InstanceCatalog, InstanceLogs {
  /** PostgreSQL versions whose binaries are installed, one per major. */
  installedVersions(): InstalledVersion[];
  /** Makes the template clusters for these majors and encodings ahead of time (idempotent). */
  prepareTemplates(majors: string[], encodings: Array<'UTF8' | 'LATIN1'>): Promise<void>;
  /**
   * Brings the instance to "running with this spec": data directory from the template,
   * configuration, server started (or an already-running one adopted), admin role present.
   * Idempotent: safe to call again after a crash at any point.
   */
  ensureRunning(spec: InstanceSpec): Promise<void>;
  /**
   * For a standby that has no data directory yet: prepares, beside it, a copy that ensureRunning may use
   * instead of a base backup (only if it then fits the primary). May run while the primary is being made.
   */
  stageStandby?(spec: InstanceSpec): Promise<void>;
  /**
   * Which standbys the primary's commits wait for (synchronous_standby_names), applied at once by a
   * reload and without waiting behind other operations on the server (a commit stuck waiting for a
   * dead standby may hold one up: this is what releases it). Later ensureRunning calls keep it.
   */
  setSynchronous?(id: string, standbys: string[]): Promise<void>;
  observe(id: string): Promise<ObservedInstance>;
  /**
   * Calls watcher with the engine id of a server this engine started when it exits (crashed, killed,
   * stopped): health checks react to these at once and sweep the rest slowly. Servers adopted from an
   * earlier run are not watched.
   */
  onServerExit?(watcher: (id: string) => void): void;
  /** Stops the server and starts it again with this spec (a new postmaster pid). */
  restart(spec: InstanceSpec): Promise<void>;
  /**
   * The running server's settings, read once the configuration last written for it is loaded, and when
   * its postmaster started. The server must be running.
   */
  settings(id: string): Promise<{ settings: ServerSetting[]; startedAt: Date }>;
  /** What the host can still hold for new servers of a major (see HostCapacity). */
  capacity?(major: string): Promise<HostCapacity>;
  /** Bytes the instance's data takes on disk. */
  diskUsage(id: string): Promise<number>;
  /**
   * A cheap token that changes when the instance writes WAL (names, sizes and mtimes of its pg_wal
   * files: a few stats, not a walk of the data directory): the storage check walks only instances whose
   * token moved, and every instance now and then (writes without WAL: unlogged tables, temp files).
   */
  writeStamp?(id: string): Promise<string | undefined>;
  /**
   * One reading of the running server's statistics (monitoring), over its socket and /proc; undefined
   * when the server is not running. withDataSize adds the databases' size (a directory walk).
   */
  statistics?(id: string, withDataSize: boolean): Promise<ServerStatistics | undefined>;
  /** Creates the role or brings its password, LOGIN and privileges in line. The server must be running. */
  ensureRole(id: string, role: RoleSpec): Promise<void>;
  /** Drops the role, its objects in every database reassigned to reassignTo first. Idempotent. */
  dropRole(id: string, name: string, reassignTo: string): Promise<void>;
  /** Creates the database (or sets its owner when it exists). */
  ensureDatabase(id: string, db: DatabaseSpec): Promise<void>;
  /** Drops the database, ending its sessions. Idempotent. */
  dropDatabase(id: string, name: string): Promise<void>;
  /** The standbys streaming from this server (empty when it is down or has none). */
  replicas(id: string): Promise<ReplicaState[]>;
  /**
   * How far a standby's replay is behind what it has received: bytes of WAL, and seconds since the last
   * transaction it replayed was committed (0 when it has replayed all it received). Undefined when down.
   */
  replayDelay?(id: string): Promise<{ bytes: number; seconds: number } | undefined>;
  /** Drops these replication slots on the server when they exist and no standby uses them (a read-only instance gone). */
  dropSlots?(id: string, slots: string[]): Promise<void>;
  /** The server answers a query over its socket within timeoutMs. */
  probe(id: string, timeoutMs: number): Promise<boolean>;
  /**
   * Makes sure the server can no longer accept writes, at once: its postmaster and backends are killed
   * (SIGKILL). Used before a standby is promoted in its place. Idempotent.
   */
  fence(id: string): Promise<void>;
  /** Stops the server cleanly; data is kept. Idempotent. */
  stop(id: string): Promise<void>;
  /** Stops the server and removes its data. Idempotent. */
  destroy(id: string): Promise<void>;
  /**
   * At start: removes what instances that no longer exist left on this host (their directories,
   * servers, mounts and OS users), keeping everything of the engine ids in keep. Only what is provably
   * this engine's own or provably orphaned is touched: other services may share the host.
   */
  removeOrphans?(keep: string[]): Promise<void>;
  /** Makes the balancer listen at its address with these members (idempotent; members apply to new connections). */
  ensureBalancer?(spec: BalancerSpec): Promise<void>;
  /** Stops the balancer and ends its connections. Idempotent. */
  removeBalancer?(id: string): Promise<void>;
  /**
   * A base backup of the running primary id into the backup store (through the low-level backup API;
   * its WAL is in the store's archive once this resolves). A partial earlier attempt of the same backup
   * is removed first, so a backup interrupted by a crash is simply taken again.
   */
  takeBaseBackup?(id: string, store: string, backup: string): Promise<BaseBackupResult>;
  /** Removes a base backup from the store (idempotent). */
  removeBaseBackup?(store: string, backup: string): Promise<void>;
  /**
   * Makes the running primary id write a commit record now, end its WAL segment and waits until the
   * segment is in the store's archive: afterwards every moment up to now can be recovered to.
   */
  sealArchive?(id: string, store: string): Promise<void>;
  /** The WAL files in the store's archive, oldest first. */
  archivedWal?(store: string): Promise<ArchivedWal[]>;
  /** Stops every server this engine started or adopted and any template still being made (graceful shutdown of the service). */
  stopAll(): Promise<void>;
}
