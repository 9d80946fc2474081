// The server log of an instance as actions read it (DescribeSlowQueryList, DescribeDBErrlogs): the
// records of its machine-readable log (PostgreSQL's csvlog) in a time window, read live from the
// engine like the catalog (src/core/privileges.ts): the log is the server's own, written as it runs.

export interface LogRecord {
  time: Date;
  user: string;
  database: string;
  pid: number;
  /** host:port of the client ("" for the server's own processes, "[local]" over the socket). */
  client: string;
  sessionId: string;
  sessionStart: Date | null;
  virtualTransactionId: string;
  /** LOG, ERROR, FATAL, PANIC, WARNING, ... */
  severity: string;
  sqlState: string;
  message: string;
  detail: string;
  /** The statement the record is about (log_min_error_statement), if any. */
  query: string;
  application: string;
}

export interface InstanceLogs {
  /** The records logged from `from` to `to` (real time), oldest first; pgcloud's own sessions left out. */
  logRecords(engineId: string, from: Date, to: Date): Promise<LogRecord[]>;
}

/** How long the server log is kept (the vendor's 7 days). */
export const LOG_RETENTION_MS = 7 * 86400_000;
