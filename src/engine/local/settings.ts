// The server's settings as it runs them (pg_settings), read over the bootstrap superuser's socket.
// After a reload the postmaster applies the new configuration file asynchronously: the read waits (a
// few seconds at most) until a new session has loaded a configuration at least as new as the file.
import fs from 'node:fs';
import path from 'node:path';
import type { ServerSetting } from '../types.ts';
import pg from 'pg';
import { BOOTSTRAP_USER, CONF_FILE } from './config.ts';

const RELOAD_WAIT_MS = 5000;

const SQL = `SELECT name, setting, unit, vartype, context, category, short_desc, min_val, max_val, enumvals, boot_val, reset_val, pending_restart,
                    pg_conf_load_time() AS loaded, pg_postmaster_start_time() AS started
               FROM pg_settings ORDER BY name`;

export async function readSettings(dataDir: string, sockDir: string, port: number): Promise<{ settings: ServerSetting[]; startedAt: Date }> {
  let conf = 0;
  try {
    conf = fs.statSync(path.join(dataDir, CONF_FILE)).mtimeMs;
  } catch {
    /* no pgcloud.conf: nothing to wait for */
  }
  const deadline = Date.now() + RELOAD_WAIT_MS;
  for (;;) {
    // Not superuserClient(): its session sets log_statement and friends, which pg_settings would show.
    const client = new pg.Client({ host: sockDir, port, user: BOOTSTRAP_USER, database: 'postgres', application_name: 'pgcloud', connectionTimeoutMillis: 10_000 });
    // A server that dies meanwhile ends the session (FATAL 57P01) between queries: an 'error' event
    // without a listener would take the whole service down; the query's own promise reports it.
    client.on('error', () => {});
    await client.connect();
    let rows: any[];
    try {
      ({ rows } = await client.query(SQL));
    } finally {
      await client.end().catch(() => {});
    }
    const loaded = (rows[0]?.loaded as Date | undefined)?.getTime() ?? 0;
    // mtime has a finer grain than pg_conf_load_time (microseconds): a few ms of slack.
    if (loaded >= conf - 5 || Date.now() > deadline) {
      return {
        startedAt: rows[0]?.started as Date,
        settings: rows.map((r) => ({
          name: r.name,
          setting: r.setting ?? '',
          unit: r.unit ?? null,
          vartype: r.vartype,
          context: r.context,
          category: r.category,
          description: r.short_desc ?? '',
          min: r.min_val ?? null,
          max: r.max_val ?? null,
          enumValues: r.enumvals ?? null,
          bootValue: r.boot_val ?? null,
          resetValue: r.reset_val ?? null,
          pendingRestart: r.pending_restart === true,
        })),
      };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
