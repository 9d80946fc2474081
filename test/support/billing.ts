// Billing helpers for tests: the operator CLI on a service's data directory, and the ledger read
// straight from the SQLite store (read-only) to check that every balance is the sum of its entries.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

/** Runs `pgcloud <args> --data-dir <dataDir> --output json` and parses its output. */
export async function cli(dataDir: string, ...args: string[]): Promise<any> {
  const { stdout } = await run(process.execPath, [path.join(root, 'bin', 'pgcloud.js'), ...args, '--data-dir', dataDir, '--output', 'json'], { cwd: root });
  return JSON.parse(stdout);
}

export interface LedgerEntry {
  id: string;
  uin: string;
  kind: string;
  amount: number;
  frozen: number;
  instance_id: string | null;
  deal_name: string | null;
  bill_id: string | null;
  voucher_id: string | null;
  description: string;
  created_at: string;
}

export function readStore<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'pgcloud.db'), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export const ledger = (dataDir: string, uin?: string): LedgerEntry[] =>
  readStore(dataDir, (db) =>
    (uin ? db.prepare('select * from ledger_entries where uin = ? order by created_at, id').all(uin) : db.prepare('select * from ledger_entries order by created_at, id').all()) as LedgerEntry[],
  );

export const balanceOf = (dataDir: string, uin: string): { balance: number; frozen: number } =>
  readStore(dataDir, (db) => db.prepare('select balance, frozen from account_balances where uin = ?').get(uin) as { balance: number; frozen: number });

/** Every account's balance and frozen amount equal the sums of its entries, and every voucher's use matches its entries. */
export function assertLedgerBalanced(dataDir: string): void {
  readStore(dataDir, (db) => {
    const accounts = db.prepare('select uin, balance, frozen from account_balances').all() as Array<{ uin: string; balance: number; frozen: number }>;
    for (const a of accounts) {
      const s = db.prepare('select coalesce(sum(amount), 0) as amount, coalesce(sum(frozen), 0) as frozen from ledger_entries where uin = ?').get(a.uin) as { amount: number; frozen: number };
      assert.equal(a.balance, s.amount, `balance of ${a.uin} is the sum of its ledger`);
      assert.equal(a.frozen, s.frozen, `frozen amount of ${a.uin} is the sum of its ledger`);
      assert.ok(a.frozen >= 0, 'frozen is never negative');
    }
    const orphans = db.prepare('select count(*) as n from ledger_entries where uin not in (select uin from account_balances)').get() as { n: number };
    assert.equal(orphans.n, 0, 'no entries without a balance row');
    const vouchers = db.prepare('select id, nominal, balance from vouchers').all() as Array<{ id: string; nominal: number; balance: number }>;
    for (const v of vouchers) {
      const s = db.prepare("select coalesce(sum(amount), 0) as used from ledger_entries where kind = 'voucher' and voucher_id = ?").get(v.id) as { used: number };
      assert.equal(v.nominal - v.balance, s.used, `voucher ${v.id} use matches the ledger`);
      assert.ok(v.balance >= 0);
    }
  });
}
