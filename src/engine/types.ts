// The engine turns a plain instance spec into a running PostgreSQL server and reports what it sees.
// It knows nothing of Tencent: no zones, no orders, no API field names.

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

export interface ObservedInstance {
  /** The data directory exists. */
  exists: boolean;
  /** A postmaster for this data directory is alive and accepts connections. */
  running: boolean;
  pid?: number;
}

export interface Engine {
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
  observe(id: string): Promise<ObservedInstance>;
  /** Stops the server and starts it again with this spec (a new postmaster pid). */
  restart(spec: InstanceSpec): Promise<void>;
  /** Bytes the instance's data takes on disk. */
  diskUsage(id: string): Promise<number>;
  /** Creates the role or brings its password, LOGIN and privileges in line. The server must be running. */
  ensureRole(id: string, role: RoleSpec): Promise<void>;
  /** Drops the role, its objects in every database reassigned to reassignTo first. Idempotent. */
  dropRole(id: string, name: string, reassignTo: string): Promise<void>;
  /** Creates the database (or sets its owner when it exists). */
  ensureDatabase(id: string, db: DatabaseSpec): Promise<void>;
  /** Drops the database, ending its sessions. Idempotent. */
  dropDatabase(id: string, name: string): Promise<void>;
  /** Stops the server cleanly; data is kept. Idempotent. */
  stop(id: string): Promise<void>;
  /** Stops the server and removes its data. Idempotent. */
  destroy(id: string): Promise<void>;
  /** Stops every server this engine started or adopted (graceful shutdown of the service). */
  stopAll(): Promise<void>;
}
