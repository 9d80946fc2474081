// The server's csvlog (the logging collector's log/*.csv in the data directory, see config.ts): read
// and parsed for a time window, and files past the retention removed. Columns by position, the same
// from PostgreSQL 10 to 18 for the ones read here (later majors add backend_type, leader_pid, query_id
// at the end).
import fs from 'node:fs';
import path from 'node:path';
import { LOG_RETENTION_MS, type LogRecord } from '../../core/logs.ts';
import { BOOTSTRAP_USER, LOG_DIR } from './config.ts';

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
    i++;
  }
  // A last row still being written (no newline yet) is left for the next read.
  return rows;
}

/** "2026-12-02 16:05:01.123 UTC" (log_timezone is UTC). */
const utc = (s: string): Date | null => {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) UTC$/.exec(s);
  return m ? new Date(`${m[1]}T${m[2]}Z`) : null;
};

function record(c: string[]): LogRecord | undefined {
  const time = utc(c[0] ?? '');
  if (!time || c.length < 23) return undefined;
  return {
    time,
    user: c[1]!,
    database: c[2]!,
    pid: Number(c[3]),
    client: c[4]!,
    sessionId: c[5]!,
    sessionStart: utc(c[8]!),
    virtualTransactionId: c[9]!,
    severity: c[11]!,
    sqlState: c[12]!,
    message: c[13]!,
    detail: c[14]!,
    query: c[19]!,
    application: c[22]!,
  };
}

/** The records from..to of the data directory's csvlog, oldest first, without pgcloud's own sessions. */
export function readServerLog(dataDir: string, from: Date, to: Date): LogRecord[] {
  const dir = path.join(dataDir, LOG_DIR);
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
  } catch {
    return [];
  }
  const out: LogRecord[] = [];
  for (const f of files) {
    const p = path.join(dir, f);
    let text: string;
    try {
      // A file last written before the window holds nothing of it.
      if (fs.statSync(p).mtimeMs < from.getTime()) continue;
      text = fs.readFileSync(p, 'utf8');
    } catch {
      continue;
    }
    for (const row of parseCsv(text)) {
      const r = record(row);
      if (!r || r.time < from || r.time > to) continue;
      if (r.user === BOOTSTRAP_USER || r.application === 'pgcloud') continue;
      out.push(r);
    }
  }
  return out.sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** Removes the log files (text and csv) last written longer ago than the retention. */
export function pruneServerLog(dataDir: string, now = Date.now()): void {
  const dir = path.join(dataDir, LOG_DIR);
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const f of files) {
    const p = path.join(dir, f);
    try {
      if (now - fs.statSync(p).mtimeMs > LOG_RETENTION_MS) fs.rmSync(p);
    } catch {
      /* gone meanwhile */
    }
  }
}
