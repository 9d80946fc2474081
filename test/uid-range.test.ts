// Issue 16: instance users come from a dedicated high id range (not useradd --system's ~900 ids), the
// next id skips every id taken by a user, a group, a subordinate range or a process, and an id just
// freed is not handed on at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DEFAULT_UID_RANGE, nextFreeId, resolveRunAs, takenIds, uidRangeFromEnv } from '../src/engine/local/runas.ts';
import { uidOfUser } from './support/service.ts';

const root = process.getuid?.() === 0;

test('takenIds counts users, groups and subordinate ranges inside the range only; nextFreeId goes past the highest taken and wraps', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-uid-range-'));
  try {
    const range = { first: 5000, count: 10 };
    const files = { passwd: path.join(dir, 'passwd'), group: path.join(dir, 'group'), subuid: path.join(dir, 'subuid'), subgid: path.join(dir, 'nope') };
    fs.writeFileSync(files.passwd, 'root:x:0:0::/root:/bin/sh\na:x:5001:5001::/x:/bin/false\nb:x:5003:5003::/x:/bin/false\nc:x:6000:6000::/x:/bin/false\n');
    fs.writeFileSync(files.group, 'root:x:0:\ng:x:5004:\n');
    fs.writeFileSync(files.subuid, 'someone:4990:12\n'); // 4990..5001: 5000 and 5001 of ours
    const taken = takenIds(range, files);
    assert.deepEqual([...taken].sort((x, y) => x - y), [5000, 5001, 5003, 5004]);
    // After the highest taken (5004), not in a gap below it (5002 may be an id just freed).
    assert.equal(nextFreeId(range, taken), 5005);
    assert.equal(nextFreeId(range, taken, new Set([5005])), 5006);
    assert.equal(nextFreeId(range, taken, new Set(), (id) => id === 5005), 5006, 'an id a process runs as is skipped');
    // Full at the top: wraps to the first free id.
    const top = new Set([...taken, 5009]);
    assert.equal(nextFreeId(range, top), 5002);
    const all = new Set(Array.from({ length: 10 }, (_, i) => 5000 + i));
    assert.equal(nextFreeId(range, all), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the id range: default high above the system and regular ranges; configurable; bad values refused', () => {
  assert.deepEqual(uidRangeFromEnv({}), DEFAULT_UID_RANGE);
  assert.ok(DEFAULT_UID_RANGE.first > 60000 && DEFAULT_UID_RANGE.first + DEFAULT_UID_RANGE.count < 2 ** 31);
  assert.deepEqual(uidRangeFromEnv({ PGCLOUD_UID_BASE: '3000000', PGCLOUD_UID_COUNT: '50' }), { first: 3000000, count: 50 });
  assert.throws(() => uidRangeFromEnv({ PGCLOUD_UID_BASE: '10' }), /PGCLOUD_UID_BASE/);
  assert.throws(() => uidRangeFromEnv({ PGCLOUD_UID_BASE: String(2 ** 31 - 5), PGCLOUD_UID_COUNT: '10' }), /PGCLOUD_UID_BASE/);
});

test('as root: instance users are made in the range, with a group of the same id, and removed with it', { skip: !root && 'needs root (useradd)' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-uid-range-'));
  // A range of our own, so that concurrent suites' users do not interfere.
  const first = 0x7000_0000 + 500_000 + (process.pid % 1000) * 100;
  const range = { first, count: 3 };
  const ids = ['postgres-uidra' + process.pid, 'postgres-uidrb' + process.pid, 'postgres-uidrc' + process.pid, 'postgres-uidrd' + process.pid];
  const users = await resolveRunAs('pgcloud', pino({ level: 'silent' }), path.join(dir, 'instances'), range);
  try {
    assert.equal(users.freeUserSlots(), 3);
    const a = await users.forInstance(ids[0]!);
    const b = await users.forInstance(ids[1]!);
    assert.equal(a.uid, first);
    assert.equal(a.gid, first);
    assert.equal(b.uid, first + 1);
    assert.equal(uidOfUser(users.userName(ids[0]!)), first);
    assert.equal(users.freeUserSlots(), 1);
    // A process-free gap below the highest is skipped: the next is first + 2, then the range is full.
    await users.removeInstanceUser(ids[0]!);
    assert.equal(uidOfUser(users.userName(ids[0]!)), undefined);
    const c = await users.forInstance(ids[2]!);
    assert.equal(c.uid, first + 2);
    // Wrapped round to the id freed first.
    const d = await users.forInstance(ids[3]!);
    assert.equal(d.uid, first);
    assert.equal(users.freeUserSlots(), 0);
  } finally {
    for (const id of ids) await users.removeInstanceUser(id);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  for (const id of ids) assert.equal(uidOfUser(users.userName(id)), undefined);
});
