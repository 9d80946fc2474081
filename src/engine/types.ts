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
  adminName: string;
  /** SCRAM-SHA-256 verifier of the admin password (never the password itself). */
  adminVerifier: string;
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
  /** Stops the server cleanly; data is kept. Idempotent. */
  stop(id: string): Promise<void>;
  /** Stops the server and removes its data. Idempotent. */
  destroy(id: string): Promise<void>;
  /** Stops every server this engine started or adopted (graceful shutdown of the service). */
  stopAll(): Promise<void>;
}
