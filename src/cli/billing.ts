// Operator commands for money and time, working on the store directly (also while `serve` runs):
//   pgcloud billing topup <uin> <cents>
//   pgcloud billing vouchers create <uin> <cents> [--valid 30d] | list [uin]
//   pgcloud billing activities create <name> --percent-off <n> [--id <n>] [--valid 365d] | list
//   pgcloud billing ledger [uin] | balances
//   pgcloud clock show | advance <duration> | set <iso>    (the service clock: system time + an offset)
import type { Command } from 'commander';
import { loadConfig } from '../core/config.ts';
import { openStore, type Store } from '../store/db.ts';
import { listAccounts } from '../store/accounts.ts';
import { addDuration, parseDuration } from '../core/billing/period.ts';
import { newVoucherId, voucherStatus } from '../core/billing/vouchers.ts';
import {
  ensureBalance, getClockOffset, insertActivity, insertVoucher, listActivities, listBalances, listLedger, listVouchers, postEntries, setClockOffset,
} from '../store/billing.ts';

async function withStore<T>(dataDir: string | undefined, fn: (db: Store, now: Date, initialBalance: number) => Promise<T>): Promise<T> {
  const config = loadConfig({ dataDir });
  const db = await openStore(config.dataDir);
  try {
    const now = new Date(Date.now() + (await getClockOffset(db)));
    return await fn(db, now, config.initialBalance);
  } finally {
    await db.destroy();
  }
}

const out = (json: boolean, value: unknown, text: () => string) => process.stdout.write((json ? JSON.stringify(value, null, 2) : text()) + '\n');

function cents(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`amount must be a positive whole number of cents (got ${text})`);
  return n;
}

function duration(text: string) {
  const d = parseDuration(text);
  if (!d) throw new Error(`duration "${text}" is malformed; examples: 90s, 15m, 2h, 7d, 1w, 1mo, 1mo2d`);
  return d;
}

async function requireAccount(db: Store, uin: string): Promise<void> {
  if (!(await listAccounts(db)).some((a) => a.uin === uin)) throw new Error(`no account with uin ${uin}`);
}

const withCommon = (c: Command) =>
  c.option('--data-dir <dir>', 'data directory', process.env.PGCLOUD_DATA_DIR).option('--output <format>', 'text or json', 'text');

export function registerBillingCommands(program: Command): void {
  const billing = program.command('billing').description('balances, top-ups, vouchers, activities and the ledger (amounts in cents, CNY)');

  withCommon(billing.command('topup <uin> <amount>').description('credit an account with <amount> cents')).action((uin: string, amount: string, o: { dataDir?: string; output: string }) =>
    withStore(o.dataDir, async (db, now, initial) => {
      await requireAccount(db, uin);
      const value = cents(amount);
      await db.transaction().execute(async (trx) => {
        await ensureBalance(trx, uin, initial, now.toISOString());
        await postEntries(trx, uin, [{ kind: 'topup', amount: value, description: 'top-up by an operator' }], now.toISOString());
      });
      const b = (await listBalances(db)).find((r) => r.uin === uin)!;
      out(o.output === 'json', { uin, balance: Number(b.balance), frozen: Number(b.frozen) }, () => `${uin}: balance ${b.balance} cents (frozen ${b.frozen})`);
    }));

  withCommon(billing.command('balances').description('every account balance')).action((o: { dataDir?: string; output: string }) =>
    withStore(o.dataDir, async (db) => {
      const rows = (await listBalances(db)).map((r) => ({ uin: r.uin, balance: Number(r.balance), frozen: Number(r.frozen), arrearsSince: r.arrears_since }));
      out(o.output === 'json', rows, () => ['UIN           BALANCE      FROZEN', ...rows.map((r) => `${r.uin}  ${r.balance}  ${r.frozen}${r.arrearsSince ? ` (in arrears since ${r.arrearsSince})` : ''}`)].join('\n'));
    }));

  withCommon(billing.command('ledger [uin]').description('ledger entries, oldest first')).action((uin: string | undefined, o: { dataDir?: string; output: string }) =>
    withStore(o.dataDir, async (db) => {
      const rows = (await listLedger(db, uin)).map((e) => ({ ...e, amount: Number(e.amount), frozen: Number(e.frozen) }));
      out(o.output === 'json', rows, () => rows.map((e) => `${e.created_at}  ${e.uin}  ${e.kind.padEnd(8)} ${String(e.amount).padStart(10)} ${String(e.frozen).padStart(8)}  ${e.description}`).join('\n'));
    }));

  const vouchers = billing.command('vouchers').description('vouchers (each deducts up to its balance from prepaid orders of its account)');
  withCommon(vouchers.command('create <uin> <amount>').description('give an account a voucher of <amount> cents'))
    .option('--valid <duration>', 'validity from now', '30d')
    .option('--remark <text>', 'remark', '')
    .action((uin: string, amount: string, o: { dataDir?: string; output: string; valid: string; remark: string }) =>
      withStore(o.dataDir, async (db, now) => {
        await requireAccount(db, uin);
        const value = cents(amount);
        const v = { id: newVoucherId(), uin, nominal: value, balance: value, begin_time: now.toISOString(), end_time: addDuration(now, duration(o.valid)).toISOString(), remark: o.remark, created_at: now.toISOString() };
        await insertVoucher(db, v);
        out(o.output === 'json', v, () => `${v.id}: ${value} cents for ${uin}, valid until ${v.end_time}`);
      }));
  withCommon(vouchers.command('list [uin]')).action((uin: string | undefined, o: { dataDir?: string; output: string }) =>
    withStore(o.dataDir, async (db, now) => {
      const rows = (await listVouchers(db, uin)).map((v) => ({
        ...v, nominal: Number(v.nominal), balance: Number(v.balance),
        status: voucherStatus({ id: v.id, uin: v.uin, nominal: Number(v.nominal), balance: Number(v.balance), beginTime: v.begin_time, endTime: v.end_time }, now),
      }));
      out(o.output === 'json', rows, () => ['ID                  UIN           NOMINAL  BALANCE  STATUS  END', ...rows.map((v) => `${v.id}  ${v.uin}  ${v.nominal}  ${v.balance}  ${v.status}  ${v.end_time}`)].join('\n'));
    }));

  const activities = billing.command('activities').description('activities: discounts that CreateInstances requests name by ActivityId');
  withCommon(activities.command('create <name>').description('define an activity'))
    .requiredOption('--percent-off <n>', 'discount in percent of the list price (1-100)')
    .option('--id <n>', 'ActivityId (default: the next free one from 1001)')
    .option('--valid <duration>', 'running from now for', '365d')
    .action((name: string, o: { dataDir?: string; output: string; percentOff: string; id?: string; valid: string }) =>
      withStore(o.dataDir, async (db, now) => {
        const off = Number(o.percentOff);
        if (!Number.isInteger(off) || off < 1 || off > 100) throw new Error(`--percent-off must be a whole number from 1 to 100 (got ${o.percentOff})`);
        const wanted = o.id === undefined ? undefined : Number(o.id);
        if (wanted !== undefined && (!Number.isInteger(wanted) || wanted < 1)) throw new Error(`--id must be a positive whole number (got ${o.id})`);
        const a = { name, percent_off: off, begin_time: now.toISOString(), end_time: addDuration(now, duration(o.valid)).toISOString(), created_at: now.toISOString() };
        const id = await insertActivity(db, { ...a, id: wanted });
        out(o.output === 'json', { id, ...a }, () => `activity ${id} "${name}": ${off}% off until ${a.end_time}`);
      }));
  withCommon(activities.command('list')).action((o: { dataDir?: string; output: string }) =>
    withStore(o.dataDir, async (db) => {
      const rows = await listActivities(db);
      out(o.output === 'json', rows, () => ['ID    PERCENT_OFF  NAME  END', ...rows.map((a) => `${a.id}  ${a.percent_off}  ${a.name}  ${a.end_time}`)].join('\n'));
    }));

  const clock = program.command('clock').description('the service clock (system time + an offset; billing, renewal and expiry follow it): an operator and testing knob');
  const show = async (db: Store, json: boolean) => {
    const offset = await getClockOffset(db);
    const now = new Date(Date.now() + offset);
    out(json, { now: now.toISOString(), offsetMs: offset }, () => `${now.toISOString()} (offset ${offset} ms)`);
  };
  withCommon(clock.command('show')).action((o: { dataDir?: string; output: string }) => withStore(o.dataDir, (db) => show(db, o.output === 'json')));
  withCommon(clock.command('advance <duration>').description('move the clock forward (90s, 2h, 7d, 1mo, 1mo2d...); a running service follows within a second')).action(
    (text: string, o: { dataDir?: string; output: string }) =>
      withStore(o.dataDir, async (db, now) => {
        const target = addDuration(now, duration(text));
        await setClockOffset(db, target.getTime() - Date.now(), new Date().toISOString());
        await show(db, o.output === 'json');
      }),
  );
  withCommon(clock.command('set <iso>').description('set the clock to a time (ISO 8601); "now" resets it')).action((text: string, o: { dataDir?: string; output: string }) =>
    withStore(o.dataDir, async (db) => {
      const t = text === 'now' ? Date.now() : Date.parse(text);
      if (Number.isNaN(t)) throw new Error(`"${text}" is not an ISO 8601 time`);
      await setClockOffset(db, t - Date.now(), new Date().toISOString());
      await show(db, o.output === 'json');
    }));
}
