// The billing loop: every second it reloads the service clock's offset from the store (so
// `pgcloud clock advance` takes effect within a second) and then, against that clock,
//  - settles each hour of use of pay-as-you-go instances from their account's balance;
//  - renews prepaid instances at ExpireTime (AutoRenewFlag 1 and enough balance) or isolates them;
//  - isolates the pay-as-you-go instances of an account in arrears longer than the grace period;
//  - refunds the orders of instances whose provisioning failed (failed_at set: "offlining", "offline");
//  - releases the frozen hour of destroyed pay-as-you-go instances;
//  - destroys instances isolated longer than the retention.
// Isolating and destroying are desired states the reconciler carries out (engine.stop / engine.destroy).
// Money rules come from core/billing, queries from store/; every money movement is a ledger entry.
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { Config } from '../core/config.ts';
import type { OffsetClock } from '../core/time.ts';
import { isApiError } from '../core/errors.ts';
import { newBillId } from '../core/ids.ts';
import { CURRENCY } from '../core/billing/pricing.ts';
import { addMonths, HOUR_MS } from '../core/billing/period.ts';
import { nextDealNames, nextFlowId } from '../store/instances.ts';
import {
  entriesOfInstance, getClockOffset, listBalances, postEntries, restoreVoucher, setArrears, updateInstanceBilling, type NewEntry,
} from '../store/billing.ts';
import { chargeOrders } from '../store/charges.ts';

export interface BillingDeps {
  db: Store;
  config: Config;
  clock: OffsetClock;
  log: Logger;
  wakeReconciler(): void;
}

const TICK_MS = 1000;
/** An instance is in use (and billed) while its desired state is running, unless provisioning failed. */
const NOT_BILLED = ['offlining', 'offline', 'isolating', 'isolated'];

/** Isolation as the lifecycle work defines it: desired state "stopped", status "isolating"; the reconciler stops the servers. */
async function isolateWhere(db: Store, nowIso: string, filter: (q: any) => any): Promise<number> {
  const q = db.updateTable('instances').set({ desired_state: 'stopped', status: 'isolating', updated_at: nowIso }).where('desired_state', '=', 'running').where('status', 'not in', NOT_BILLED);
  const res = await (filter(q) as typeof q).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export class BillingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private pass: Promise<void> | undefined;

  constructor(private readonly deps: BillingDeps) {}

  /** Loads the clock offset once (before the API answers) and starts ticking. */
  async start(): Promise<void> {
    this.deps.clock.setOffset(await getClockOffset(this.deps.db));
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.pass;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.pass = this.tick()
        .catch((e) => this.deps.log.error({ err: e }, 'billing pass failed'))
        .finally(() => {
          this.pass = undefined;
          this.schedule(TICK_MS);
        });
    }, ms);
  }

  /** One pass; exported for tests that drive it by hand. */
  async tick(): Promise<void> {
    const { db, clock } = this.deps;
    const offset = await getClockOffset(db);
    if (offset !== clock.offset) {
      clock.setOffset(offset);
      this.deps.log.info({ offsetMs: offset, now: clock.now().toISOString() }, 'service clock moved');
    }
    const now = clock.now();
    await this.refundFailed(now);
    await this.settlePostpaid(now);
    await this.renewOrExpire(now);
    await this.arrears(now);
    await this.releaseDestroyed(now);
    await this.destroyAfterRetention(now);
  }

  private async settlePostpaid(now: Date): Promise<void> {
    const { db } = this.deps;
    const due = new Date(now.getTime() - HOUR_MS).toISOString();
    const rows = await db
      .selectFrom('instance_billing as b')
      .innerJoin('instances as i', 'i.id', 'b.instance_id')
      .select(['b.instance_id', 'b.uin', 'b.hourly_price', 'b.settled_until'])
      .where('b.charge_type', '=', 'POSTPAID_BY_HOUR')
      .where('b.refunded', '=', 0)
      .where('i.desired_state', '=', 'running')
      .where('i.status', 'not in', NOT_BILLED)
      .where('b.settled_until', '<=', due)
      .execute();
    for (const r of rows) {
      const from = new Date(r.settled_until!);
      const hours = Math.floor((now.getTime() - from.getTime()) / HOUR_MS);
      if (hours < 1) continue;
      const until = new Date(from.getTime() + hours * HOUR_MS).toISOString();
      const amount = Number(r.hourly_price) * hours;
      await db.transaction().execute(async (trx) => {
        const res = await trx.updateTable('instance_billing').set({ settled_until: until }).where('instance_id', '=', r.instance_id).where('settled_until', '=', r.settled_until).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return; // settled by someone else meanwhile
        await postEntries(trx, r.uin, [{ kind: 'settle', amount: -amount, instanceId: r.instance_id, description: `${hours} hour(s) of ${r.instance_id} from ${r.settled_until} to ${until}` }], now.toISOString());
      });
    }
  }

  private async renewOrExpire(now: Date): Promise<void> {
    const { db, log } = this.deps;
    const nowIso = now.toISOString();
    const rows = await db
      .selectFrom('instances as i')
      .innerJoin('instance_billing as b', 'b.instance_id', 'i.id')
      .select(['i.id', 'i.uin', 'i.auto_renew', 'i.expire_time', 'b.monthly_price'])
      .where('i.charge_type', '=', 'PREPAID')
      .where('i.desired_state', '=', 'running')
      .where('i.status', 'not in', NOT_BILLED)
      .where('i.expire_time', '<=', nowIso)
      .execute();
    for (const r of rows) {
      let expire = r.expire_time!;
      // A clock moved by months renews month after month while the balance allows.
      while (expire <= nowIso && r.auto_renew === 1) {
        const renewed = await this.renewOneMonth(r.id, r.uin, Number(r.monthly_price), expire, now).catch((e) => {
          if (isApiError(e)) return undefined;
          throw e;
        });
        if (!renewed) break;
        log.info({ instance: r.id, expireTime: renewed }, 'instance renewed automatically');
        expire = renewed;
      }
      if (expire > nowIso) continue;
      await isolateWhere(db, nowIso, (q) => q.where('id', '=', r.id));
      this.deps.wakeReconciler();
      log.info({ instance: r.id, expireTime: expire, autoRenew: r.auto_renew }, 'prepaid instance expired; isolating it');
    }
  }

  /** Charges one month at list price and moves ExpireTime on; the new ExpireTime, or an ApiError when the balance is short. */
  private async renewOneMonth(id: string, uin: string, monthly: number, expire: string, now: Date): Promise<string | undefined> {
    const { db, config } = this.deps;
    const next = addMonths(new Date(expire), 1).toISOString();
    const billId = newBillId(now);
    return db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('instances').set({ expire_time: next, updated_at: now.toISOString() }).where('id', '=', id).where('expire_time', '=', expire).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return undefined;
      const [dealName] = await nextDealNames(trx, now, 1);
      await trx.insertInto('orders').values({
        deal_name: dealName!, uin, bill_id: billId, pay_mode: 1, count: 1, instance_ids: JSON.stringify([id]), amount: monthly, currency: CURRENCY,
        action: 'renew', flow_id: await nextFlowId(trx), created_at: now.toISOString(),
      }).execute();
      await chargeOrders(trx, { uin, initialBalance: config.initialBalance, orders: [{ dealName: dealName!, instanceId: id, amount: monthly }], billId, now, what: 'automatic renewal of 1 month of' });
      return next;
    });
  }

  private async arrears(now: Date): Promise<void> {
    const { db, config, log } = this.deps;
    const nowIso = now.toISOString();
    for (const b of await listBalances(db)) {
      const balance = Number(b.balance);
      if (balance >= 0) {
        if (b.arrears_since) await setArrears(db, b.uin, null);
        continue;
      }
      if (!b.arrears_since) {
        await setArrears(db, b.uin, nowIso);
        log.warn({ uin: b.uin, balance }, 'account in arrears');
        continue;
      }
      if (new Date(b.arrears_since).getTime() + config.arrearsGraceMs > now.getTime()) continue;
      const n = await isolateWhere(db, nowIso, (q) => q.where('uin', '=', b.uin).where('charge_type', '=', 'POSTPAID_BY_HOUR'));
      if (n > 0) this.deps.wakeReconciler();
      if (n > 0) log.warn({ uin: b.uin, instances: n }, 'account in arrears past the grace period; isolating its pay-as-you-go instances');
    }
  }

  /** Provisioning failed: the instance's orders are refunded in full (charges, settlements, vouchers, frozen hour). */
  private async refundFailed(now: Date): Promise<void> {
    const { db, log } = this.deps;
    const rows = await db
      .selectFrom('instances as i')
      .innerJoin('instance_billing as b', 'b.instance_id', 'i.id')
      .select(['i.id', 'i.uin'])
      // Given up (offlining, offline), whatever its status is by now (isolated, recycled by the user).
      .where('i.failed_at', 'is not', null)
      .where('b.refunded', '=', 0)
      .execute();
    for (const r of rows) {
      await db.transaction().execute(async (trx) => {
        const res = await trx.updateTable('instance_billing').set({ refunded: 1, frozen: 0 }).where('instance_id', '=', r.id).where('refunded', '=', 0).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return;
        const entries = await entriesOfInstance(trx, r.id);
        const cash = entries.filter((e) => e.kind === 'charge' || e.kind === 'settle').reduce((s, e) => s + Number(e.amount), 0);
        const frozen = entries.reduce((s, e) => s + Number(e.frozen), 0);
        const byVoucher = new Map<string, number>();
        for (const e of entries) if (e.kind === 'voucher' && e.voucher_id) byVoucher.set(e.voucher_id, (byVoucher.get(e.voucher_id) ?? 0) + Number(e.amount));
        const out: NewEntry[] = [];
        if (cash < 0) out.push({ kind: 'refund', amount: -cash, instanceId: r.id, description: `refund of ${r.id}: provisioning failed` });
        for (const [voucherId, used] of byVoucher) if (used > 0) out.push({ kind: 'voucher', amount: -used, instanceId: r.id, voucherId, description: `voucher ${voucherId} given back: provisioning of ${r.id} failed` });
        if (frozen > 0) out.push({ kind: 'unfreeze', amount: frozen, frozen: -frozen, instanceId: r.id, description: `frozen hour of ${r.id} released: provisioning failed` });
        await postEntries(trx, r.uin, out, now.toISOString());
        for (const [voucherId, used] of byVoucher) if (used > 0) await restoreVoucher(trx, voucherId, used);
      });
      log.info({ instance: r.id }, 'order refunded: provisioning failed');
    }
  }

  /** A destroyed pay-as-you-go instance's frozen hour goes back to the balance. */
  private async releaseDestroyed(now: Date): Promise<void> {
    const { db } = this.deps;
    const rows = await db
      .selectFrom('instance_billing as b')
      .innerJoin('instances as i', 'i.id', 'b.instance_id')
      .select(['b.instance_id', 'b.uin', 'b.frozen'])
      .where('b.frozen', '>', 0)
      .where('i.desired_state', '=', 'destroyed')
      .execute();
    for (const r of rows) {
      const frozen = Number(r.frozen);
      await db.transaction().execute(async (trx) => {
        const res = await trx.updateTable('instance_billing').set({ frozen: 0 }).where('instance_id', '=', r.instance_id).where('frozen', '=', frozen).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return;
        await postEntries(trx, r.uin, [{ kind: 'unfreeze', amount: frozen, frozen: -frozen, instanceId: r.instance_id, description: `frozen hour of ${r.instance_id} released: destroyed` }], now.toISOString());
      });
    }
  }

  /**
   * An instance isolated longer than the retention is destroyed for good: desired state "destroyed",
   * which the reconciler carries out (engine.destroy). Isolation itself is desired state "stopped" +
   * status "isolating", which the reconciler turns into stopped servers and status "isolated".
   */
  private async destroyAfterRetention(now: Date): Promise<void> {
    const { db, config, log } = this.deps;
    const before = new Date(now.getTime() - config.retentionMs).toISOString();
    const res = await db
      .updateTable('instances')
      .set({ desired_state: 'destroyed', updated_at: now.toISOString() })
      .where('desired_state', '=', 'stopped')
      .where('status', '=', 'isolated')
      .where('isolated_time', '<=', before)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) {
      log.info({ instances: Number(res.numUpdatedRows) }, 'instances isolated past the retention period; destroying them');
      this.deps.wakeReconciler();
    }
  }
}
