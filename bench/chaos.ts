// bench/chaos.ts: the chaos run of test/chaos.test.ts for longer — random faults (SIGKILL of
// pgcloud, of a primary, of a standby, of pgcloud right after a primary, of pgcloud while an instance
// is provisioned) one after another for --minutes, with every invariant checked after each
// (test/support/chaos.ts). Prints each round and the totals; exits non-zero on the first broken one.
//   node --import tsx bench/chaos.ts [--minutes 5]
import { FAULTS, runChaos, type Fault } from '../test/support/chaos.ts';

const i = process.argv.indexOf('--minutes');
const minutes = i > 0 ? Number(process.argv[i + 1]) : 5;
const t0 = Date.now();
// Each fault once first, then at random; rounds take 10-30 s, the run ends at the deadline.
const faults: Fault[] = [...FAULTS, ...Array.from({ length: minutes * 60 }, () => FAULTS[Math.floor(Math.random() * FAULTS.length)]!)];
const result = await runChaos({ faults, until: t0 + minutes * 60_000, log: (l) => console.log(`${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s  ${l}`) });
console.log(`\nchaos: ${result.rounds} faults in ${((Date.now() - t0) / 60_000).toFixed(1)} min, ${result.commits} commits acknowledged, every invariant held after each`);
