// The data directory: a copy of the template for the instance's major and encoding, made once.
// A standby's is made by `standbyData` instead (from its primary).
import fs from 'node:fs';
import path from 'node:path';
import type { Encoding } from '../templates.ts';
import { provisionData } from '../datadir.ts';
import type { Step } from './context.ts';

/** PG_VERSION of a data directory, undefined when it has none. */
export function dataVersion(dataDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return undefined;
  }
}

export const dataDirectory: Step = {
  name: 'data directory',
  async run(c, engine) {
    const { spec, paths } = c;
    c.version = dataVersion(paths.data);
    if (c.version !== undefined) {
      if (c.version !== spec.major) throw new Error(`its data directory is PostgreSQL ${c.version}, not ${spec.major}`);
      return;
    }
    if (spec.replication?.role === 'standby') return;
    if (fs.existsSync(paths.data)) throw new Error(`${paths.data} exists but has no PG_VERSION: not a PostgreSQL data directory`);
    let t = performance.now();
    const template = await engine.templates.ensure(spec.major, spec.encoding as Encoding);
    if (performance.now() - t > 5) c.lap('templateMs', t);
    t = performance.now();
    await provisionData(paths, template, c.runAs, engine.log);
    c.lap('copyMs', t);
    c.version = spec.major;
    c.made = true;
    c.known.roleKey = undefined; // a new cluster
  },
};
