// A short chaos run for CI (bench/chaos.ts runs it for minutes): every fault once, then a few at random
// (SIGKILL of pgcloud, of a primary, of a standby, of pgcloud right after a primary, of pgcloud while
// an instance is provisioned) under continuous writes to HA and single-node instances, and after each:
// every acknowledged commit present, one primary per instance, no orphan server, directory or OS user,
// ledger equal to balance (test/support/chaos.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULTS, runChaos, type Fault } from './support/chaos.ts';

test('chaos: random SIGKILLs of pgcloud, primaries and standbys under writes keep every promise', async () => {
  const faults: Fault[] = [...FAULTS, ...Array.from({ length: 2 }, () => FAULTS[Math.floor(Math.random() * FAULTS.length)]!)];
  const result = await runChaos({ faults, log: (l) => console.log(l) });
  assert.equal(result.rounds, faults.length);
  assert.ok(result.commits > 0);
});
