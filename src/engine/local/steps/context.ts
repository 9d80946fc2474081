// What the steps of converge() share: the instance being brought up (its spec, paths, user, binaries),
// what earlier steps found or made, and the engine parts steps may call. Each step is one concern
// (encryption, data directory, standby data, configuration, server, roles, ...) and is idempotent:
// it checks its result first or rewrites it atomically, so converge() after a crash at any point
// simply runs every step again.
import type { Logger } from 'pino';
import type { InstanceSpec } from '../../types.ts';
import type { Binaries } from '../binaries.ts';
import type { InstancePaths, Layout } from '../layout.ts';
import type { Postmaster } from '../process.ts';
import type { RunAs, RunAsResolver } from '../runas.ts';
import type { Templates } from '../templates.ts';
import type { SandboxSpec } from '../sandbox.ts';

/** What the engine object remembers of an instance between calls (lost on a service restart, by design). */
export interface Known {
  /** Postmaster started or adopted by this engine object (stopAll stops these). */
  pid?: number;
  /** name + verifier of the admin role last made to match, so a running instance costs no SQL. */
  roleKey?: string;
  /** Whether the server was last made read-only (ending client sessions is done once, on the change). */
  readOnly?: boolean;
  /** Replication slots last made to exist on this primary. */
  slotsKey?: string;
  /** Its encrypted data directory was mounted by (or adopted by) this engine object. */
  mounted?: boolean;
  /** The standbys its commits wait for as last set by setSynchronous: wins over the spec's (see there). */
  synchronous?: string[];
}

/** The engine's parts a step may use. */
export interface StepEngine {
  readonly layout: Layout;
  readonly templates: Templates;
  readonly users: RunAsResolver;
  readonly log: Logger;
  readonly startTimeoutMs: number;
  /** Socket directory and port of another instance's running server, if it runs. */
  socketOf(id: string): { sock: string; port: number } | undefined;
  /** Stops a postmaster that lost its postmaster.pid, and kills backends left by a killed postmaster. */
  clearStrays(id: string, dataDir: string): Promise<void>;
  /** Kills the instance's postmaster and backends outright. */
  fence(id: string): Promise<void>;
  /** For a new standby: a copy of the template beside its data directory (see stageStandby). */
  stage(spec: InstanceSpec): Promise<void>;
  /** Tells the engine's watchers that a server it started has exited. */
  serverExited(id: string, how: string): void;
}

/** One converge() call: its inputs, and what each step leaves for the next ones. */
export interface Converge {
  readonly spec: InstanceSpec;
  readonly bin: Binaries;
  readonly paths: InstancePaths;
  readonly runAs: RunAs;
  readonly known: Known;
  /** PG_VERSION of the data directory (undefined: there is none yet). */
  version?: string;
  /** The data directory was made by this call (a new cluster: no roles, no processes yet). */
  made: boolean;
  /** For a standby: its primary's socket directory and port. */
  upstream?: { sock: string; port: number };
  /** Engine settings for pgcloud.conf contributed by steps before `configuration` (e.g. replication). */
  readonly conf: Record<string, string>;
  /** Restart-only engine settings contributed by steps before `configuration` (postmaster arguments; e.g. archive_mode). */
  readonly startConf: Record<string, string>;
  /** pgcloud.conf or pg_hba.conf was rewritten by this call (a running server needs a reload). */
  confChanged: boolean;
  /** The postmaster's arguments for this spec (set by `configuration`). */
  args: string[];
  /** The sandbox the server runs in (set by `sandbox`; undefined: none, not root). */
  sandbox?: Omit<SandboxSpec, 'uid' | 'gid'>;
  /** The server found running for the data directory, if any (steps up to `server` keep it current). */
  postmaster?: Postmaster;
  /** The postmaster serving the instance once `server` has run. */
  pid?: number;
  /** When `server` sent a running server SIGHUP (new sessions see new settings after it). */
  reloadedAt?: Date;
  /** Records a timing (ms since `since`) for the "instance ensured" log line. */
  lap(name: string, since: number): void;
}

export interface Step {
  readonly name: string;
  run(c: Converge, engine: StepEngine): Promise<void> | void;
}
