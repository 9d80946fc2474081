// The OS user a PostgreSQL process of the engine runs as (made and resolved by runas.ts).

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
  /** True when we are root and switch to `name` for PostgreSQL processes. */
  switching: boolean;
  /** uid/gid options for child_process.spawn (empty when not switching). */
  spawnIds(): { uid?: number; gid?: number };
  /** A minimal environment for PostgreSQL processes. */
  env(): NodeJS.ProcessEnv;
  /** Gives a path we made to the run user (no-op when not switching). */
  chown(p: string): void;
  /** Gives a whole tree to the run user, each directory after its contents (no-op when not switching). */
  chownTree(p: string): Promise<void>;
  /** Throws a clear error unless the run user can traverse every directory from / down to dir. */
  checkTraversable(dir: string): void;
}
