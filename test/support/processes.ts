// Helpers of the fault tests: signalling a server with its children, and waiting for a state.
import fs from 'node:fs';

/** Sends sig to a postmaster and its children (each child is a session of its own: no process group). */
export function signalTree(pid: number, sig: NodeJS.Signals): void {
  const pids = [pid];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) pids.push(Number(e));
    } catch {
      /* gone */
    }
  }
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      /* gone meanwhile */
    }
  }
}

/** Polls fn (errors count as "not yet") until it gives a value other than undefined or false. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
