// `pgcloud serve`: the composition root. Store → credentials → engine → catalogue → reconciler → HTTP.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../core/config.ts';
import { openStore, type Store } from '../store/db.ts';
import { SecretBox } from '../core/secrets.ts';
import { OffsetClock, systemClock } from '../core/time.ts';
import { loadCatalog } from '../core/catalog/index.ts';
import { createLocalEngine } from '../engine/local/index.ts';
import { encryptionMissing } from '../engine/local/encryption.ts';
import { Reconciler } from '../reconciler/index.ts';
import { BillingLoop } from '../reconciler/billing.ts';
import { BackupRunner } from '../reconciler/backups.ts';
import { MonitorSampler } from '../reconciler/monitor.ts';
import { loadRegistry } from '../server/registry.ts';
import { buildServer } from '../server/app.ts';
import { ensureDefaultCredentials } from './credentials.ts';

export interface RunningService {
  url: string;
  close(): Promise<void>;
}

export async function serve(overrides: Partial<Config> = {}): Promise<RunningService> {
  const config = loadConfig(overrides);
  // Asynchronous log writes keep the request path off the terminal's pace; flushed on close.
  const logDestination = pino.destination({ sync: false });
  const log = pino({ level: config.logLevel, base: { svc: 'pgcloud' } }, logDestination);
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // As root, PostgreSQL runs as an unprivileged user that must pass through the data directory to
  // reach its instances (search permission only: it cannot list it or read the store and keys).
  if (process.getuid?.() === 0) fs.chmodSync(config.dataDir, 0o711);
  // The action modules load while the store opens and the engine probes its binaries (a restart after a
  // crash is on the path of a failover: its seconds count).
  const registryLoad = loadRegistry();
  registryLoad.catch(() => {});
  const db: Store = await openStore(config.dataDir);
  const box = SecretBox.forDataDir(config.dataDir);
  await ensureDefaultCredentials(db, box, config, log);

  const engine = await createLocalEngine({ dataDir: path.join(config.dataDir, 'engine'), log: log.child({ mod: 'engine' }) });
  // TDE needs gocryptfs, fusermount and /dev/fuse: probed once here, the catalogue says what is offered.
  const tdeMissing = encryptionMissing();
  if (tdeMissing.length) log.info({ missing: tdeMissing }, 'transparent data encryption (NeedSupportTDE) is not offered: apt-get install gocryptfs fuse3');
  // CreateInstances refuses up front what the host cannot hold (disk, system users): the engine measures it.
  const catalog = loadCatalog(engine.installedVersions(), { tdeMissing, hostCapacity: engine.capacity ? (major) => engine.capacity!(major) : undefined });
  // The service clock: system time + the offset `pgcloud clock` stores (billing, expiry, instance times).
  const clock = new OffsetClock();
  const reconciler = new Reconciler({ db, engine, config, clock, log: log.child({ mod: 'reconciler' }) });
  const billing = new BillingLoop({ db, config, clock, log: log.child({ mod: 'billing' }), wakeReconciler: () => reconciler.wake() });
  const backups = new BackupRunner({ db, engine, clock, log: log.child({ mod: 'backups' }) });
  // Monitoring: each instance's statistics every 5 s, for the monitor service (QCE/POSTGRES).
  const sampler = new MonitorSampler({ db, engine, config, clock, log: log.child({ mod: 'monitor' }) });
  const registry = await registryLoad;
  const app = await buildServer({
    config, db, box, catalog, registry, log, clock, signatureClock: systemClock,
    wakeReconciler: () => reconciler.wake(),
    instanceCatalog: engine,
    instanceLogs: engine,
  });

  await billing.start();
  await reconciler.start();
  await backups.start();
  sampler.start();
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  log.info({ url, dataDir: config.dataDir, versions: catalog.versions.map((v) => v.DBVersion) }, 'pgcloud is serving');

  // Templates are made in the background so the first CreateInstances of a major is fast.
  // Newest majors first: they are the ones most asked for. A request for a major whose template is
  // not made yet makes it at once, beside the prewarm.
  const majors = config.prewarm === 'none' ? [] : config.prewarm === 'all' ? catalog.versions.map((v) => v.DBMajorVersion).reverse() : config.prewarm.split(',').map((s) => s.trim());
  if (majors.length) engine.prepareTemplates(majors, ['UTF8']).catch((e) => log.warn({ err: e }, 'template prewarm failed'));

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await billing.stop();
        await backups.stop();
        await sampler.stop();
        await reconciler.stop();
        await engine.stopAll();
        await db.destroy();
        log.info('pgcloud stopped');
        logDestination.flushSync();
      })()),
  };
}
