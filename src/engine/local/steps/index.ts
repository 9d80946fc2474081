// The steps of converge(), in order. A new concern (archive, restore, TLS, ...) is a step of its own
// here, not a branch inside another step. Steps that contribute settings run before `configuration`;
// steps that need the server up run after `server`.
import type { Step } from './context.ts';
import { encryption } from './encryption.ts';
import { dataDirectory } from './data-directory.ts';
import { takeover } from './takeover.ts';
import { standbyData } from './standby-data.ts';
import { replicationSettings } from './replication-settings.ts';
import { configuration } from './configuration.ts';
import { archive } from './archive.ts';
import { restoreData, restoreFinish } from './restore.ts';
import { promotion } from './promotion.ts';
import { sandbox } from './sandbox.ts';
import { server } from './server.ts';
import { adminRole } from './admin-role.ts';
import { readOnly } from './read-only.ts';
import { slots } from './slots.ts';
import { tls, tlsLoaded } from './tls.ts';

export type { Converge, Known, Step, StepEngine } from './context.ts';

export const CONVERGE_STEPS: readonly Step[] = [
  encryption,
  restoreData,
  dataDirectory,
  takeover,
  standbyData,
  replicationSettings,
  archive,
  tls,
  configuration,
  promotion,
  sandbox,
  server,
  restoreFinish,
  tlsLoaded,
  adminRole,
  readOnly,
  slots,
];
