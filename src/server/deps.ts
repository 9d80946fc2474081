// What the server is built from (the composition root, src/cli/serve.ts, provides it).
import type { Logger } from 'pino';
import type { Config } from '../core/config.ts';
import type { Store } from '../store/db.ts';
import type { SecretBox } from '../core/secrets.ts';
import type { Catalog } from '../core/catalog/types.ts';
import type { Clock } from '../core/time.ts';
import type { Registry } from './registry.ts';
import type { InstanceCatalog } from '../core/privileges.ts';
import type { InstanceLogs } from '../core/logs.ts';

export interface ServerDeps {
  config: Config;
  db: Store;
  box: SecretBox;
  catalog: Catalog;
  registry: Registry;
  log: Logger;
  clock: Clock;
  /** Real time for the signature's timestamp check when `clock` is the movable service clock (default: `clock`). */
  signatureClock?: Clock;
  wakeReconciler(): void;
  /** The engine's live view of the servers' objects and privileges (see src/core/privileges.ts). */
  instanceCatalog?: InstanceCatalog;
  /** The engine's reader of the servers' logs (see src/core/logs.ts). */
  instanceLogs?: InstanceLogs;
}
