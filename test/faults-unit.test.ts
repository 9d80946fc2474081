// Unit checks of issue 12's pieces that need no server: the start-up version check's errors and
// retries, and which users and directories a service may remove at start (planOrphans).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { versionOfForTest } from '../src/engine/local/binaries.ts';
import { planOrphans } from '../src/engine/local/orphans.ts';
import { instanceUserName, type RunAs } from '../src/engine/local/runas.ts';

const me: RunAs = {
  name: os.userInfo().username, uid: os.userInfo().uid, gid: os.userInfo().gid, switching: false,
  spawnIds: () => ({}), env: () => ({ PATH: process.env.PATH }), chown: () => {}, chownTree: async () => {}, checkTraversable: () => {},
};

test('postgres --version: a failure says the exit code and stderr; a run ended by a signal is tried again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-faults-unit-'));
  try {
    const failing = path.join(dir, 'postgres');
    fs.writeFileSync(failing, '#!/bin/sh\necho "FATAL: something is off" >&2\nexit 3\n', { mode: 0o755 });
    await assert.rejects(versionOfForTest(failing, me), (e: Error) => {
      assert.match(e.message, /--version as user .*: it exited with code 3 after \d+ ms; stderr: "FATAL: something is off"/);
      return true;
    });
    // Killed by a signal (what a loaded machine's timeout looks like) twice, then it answers: the start goes on.
    const counter = path.join(dir, 'runs');
    const flaky = path.join(dir, 'flaky');
    fs.writeFileSync(
      flaky,
      `#!/bin/sh\nn=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}\n[ $n -lt 3 ] && kill -KILL $$\necho "postgres (PostgreSQL) 15.18"\n`,
      { mode: 0o755 },
    );
    assert.equal(await versionOfForTest(flaky, me), '15.18');
    assert.equal(fs.readFileSync(counter, 'utf8').trim(), '3');
    // Killed every time: the message names the signal.
    fs.writeFileSync(counter, '-100');
    await assert.rejects(versionOfForTest(flaky, me), /was ended by signal SIGKILL after \d+ ms; stderr: \(empty\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('planOrphans: only what is provably this service’s own or provably orphaned', () => {
  const ours = '/srv/a/engine/instances';
  const user = (name: string, uid: number, home: string, marked = true) => ({ name, uid, home, marked });
  const name = (id: string) => instanceUserName('pgcloud', id);
  const owners: Record<string, number> = { 'postgres-kept0001': 901, 'postgres-kept0001.1': 901, 'postgres-gone0001': 902, 'postgres-gone0002': 903, 'postgres-legacy01': 904 };
  const plan = planOrphans({
    instancesDir: ours,
    dirs: ['postgres-kept0001', 'postgres-kept0001.1', 'postgres-gone0001', 'postgres-gone0002', 'postgres-legacy01'],
    ownerOf: (d) => owners[d],
    keep: new Set(['postgres-kept0001', 'postgres-kept0001.1', 'postgres-new00001']),
    users: [
      user(name('postgres-kept0001'), 901, `${ours}/postgres-kept0001`),
      user(name('postgres-gone0001'), 902, `${ours}/postgres-gone0001`),
      // Ours, its directory already gone: orphaned.
      user(name('postgres-nodir001'), 905, `${ours}/postgres-nodir001`),
      // Ours, being made (in the store, no directory yet): kept.
      user(name('postgres-new00001'), 906, `${ours}/postgres-new00001`),
      // Another service's, whose data directory is gone: orphaned.
      user('pgcloud-deadsvc1', 907, '/srv/gone/engine/instances/postgres-deadsvc1'),
      // Another service's, alive (its instances directory exists), instance directory not made yet: not ours.
      user('pgcloud-livesvc1', 908, '/srv/live/engine/instances/postgres-livesvc1'),
      // Unmarked (an earlier pgcloud): ours only when it owns one of our orphaned directories by its name.
      user(name('postgres-legacy01'), 904, '/home/x', false),
      user('pgcloud-unknown1', 909, '/home/pgcloud-unknown1', false),
      user(name('postgres-gone0002'), 999, '/home/y', false), // same name, but does not own the directory
    ],
    userName: name,
    exists: (p) => p === '/srv/live/engine/instances' || p === ours,
  });
  assert.deepEqual(plan.dirs.sort(), ['postgres-gone0001', 'postgres-gone0002', 'postgres-legacy01']);
  assert.deepEqual(plan.users.sort(), [name('postgres-gone0001'), name('postgres-legacy01'), name('postgres-nodir001'), 'pgcloud-deadsvc1'].sort());
});
