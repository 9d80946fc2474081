// Queries of billing: balances, the ledger, vouchers, activities, per-instance billing state and the
// service clock's offset. Portable Kysely only. Every change of a balance goes through postEntries,
// which writes the ledger entries and moves the cached balance by their sum in the same transaction,
// so an account's balance is always the sum of its entries.
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, InstanceBillingTable, LedgerEntriesTable, VouchersTable, ActivitiesTable } from './schema.ts';

export type LedgerKind = 'topup' | 'charge' | 'freeze' | 'unfreeze' | 'settle' | 'refund' | 'voucher';

export interface NewEntry {
  kind: LedgerKind;
  amount: number;
  frozen?: number;
  instanceId?: string | null;
  dealName?: string | null;
  billId?: string | null;
  voucherId?: string | null;
  description: string;
}

export type LedgerRow = Selectable<LedgerEntriesTable>;
export type VoucherRow = Selectable<VouchersTable>;
export type ActivityRow = Selectable<ActivitiesTable>;
export type InstanceBillingRow = Selectable<InstanceBillingTable>;

let seq = 0;
const entryId = (now: string): string => `${now.replace(/\D/g, '').slice(0, 17)}-${(seq++ % 1e6).toString().padStart(6, '0')}-${randomBytes(4).toString('hex')}`;

/** Makes the account's balance row on first use, crediting the configured initial balance as a top-up. */
export async function ensureBalance(db: Kysely<Database>, uin: string, initial: number, now: string): Promise<void> {
  const existing = await db.selectFrom('account_balances').select('uin').where('uin', '=', uin).executeTakeFirst();
  if (existing) return;
  const res = await db
    .insertInto('account_balances')
    .values({ uin, balance: 0, frozen: 0, arrears_since: null, updated_at: now })
    .onConflict((oc) => oc.column('uin').doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0) === 1 && initial > 0) {
    await postEntries(db, uin, [{ kind: 'topup', amount: initial, description: 'initial balance' }], now);
  }
}

/**
 * Writes the entries and moves the account's balance by their sum. With requireCovered, the move
 * happens only when the balance covers the net debit (a conditional UPDATE, atomic on SQLite and
 * PostgreSQL alike); false is returned and nothing is written otherwise.
 */
export async function postEntries(db: Kysely<Database>, uin: string, entries: NewEntry[], now: string, requireCovered = false): Promise<boolean> {
  const net = entries.reduce((s, e) => s + e.amount, 0);
  const netFrozen = entries.reduce((s, e) => s + (e.frozen ?? 0), 0);
  let q = db
    .updateTable('account_balances')
    .set((eb) => ({ balance: eb('balance', '+', net), frozen: eb('frozen', '+', netFrozen), updated_at: now }))
    .where('uin', '=', uin);
  if (requireCovered && net < 0) q = q.where('balance', '>=', -net);
  const res = await q.executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  if (entries.length)
    await db
      .insertInto('ledger_entries')
      .values(
        entries.map((e) => ({
          id: entryId(now), uin, kind: e.kind, amount: e.amount, frozen: e.frozen ?? 0, instance_id: e.instanceId ?? null,
          deal_name: e.dealName ?? null, bill_id: e.billId ?? null, voucher_id: e.voucherId ?? null, description: e.description, created_at: now,
        })),
      )
      .execute();
  return true;
}

export async function getBalance(db: Kysely<Database>, uin: string) {
  return db.selectFrom('account_balances').selectAll().where('uin', '=', uin).executeTakeFirst();
}

export async function listBalances(db: Kysely<Database>) {
  return db.selectFrom('account_balances').selectAll().orderBy('uin').execute();
}

export async function setArrears(db: Kysely<Database>, uin: string, since: string | null): Promise<void> {
  await db.updateTable('account_balances').set({ arrears_since: since }).where('uin', '=', uin).execute();
}

export async function listLedger(db: Kysely<Database>, uin?: string): Promise<LedgerRow[]> {
  let q = db.selectFrom('ledger_entries').selectAll().orderBy('created_at').orderBy('id');
  if (uin) q = q.where('uin', '=', uin);
  return q.execute();
}

export async function entriesOfInstance(db: Kysely<Database>, instanceId: string): Promise<LedgerRow[]> {
  return db.selectFrom('ledger_entries').selectAll().where('instance_id', '=', instanceId).execute();
}

// ---- vouchers ----

export async function insertVoucher(db: Kysely<Database>, v: Selectable<VouchersTable>): Promise<void> {
  await db.insertInto('vouchers').values(v).execute();
}

export async function getVoucher(db: Kysely<Database>, id: string): Promise<VoucherRow | undefined> {
  return db.selectFrom('vouchers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listVouchers(db: Kysely<Database>, uin?: string): Promise<VoucherRow[]> {
  let q = db.selectFrom('vouchers').selectAll().orderBy('created_at').orderBy('id');
  if (uin) q = q.where('uin', '=', uin);
  return q.execute();
}

/** Takes amount off the voucher when it still holds that much; false otherwise. */
export async function drawVoucher(db: Kysely<Database>, id: string, amount: number): Promise<boolean> {
  if (amount <= 0) return true;
  const res = await db
    .updateTable('vouchers')
    .set((eb) => ({ balance: eb('balance', '-', amount) }))
    .where('id', '=', id)
    .where('balance', '>=', amount)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function restoreVoucher(db: Kysely<Database>, id: string, amount: number): Promise<void> {
  await db.updateTable('vouchers').set((eb) => ({ balance: eb('balance', '+', amount) })).where('id', '=', id).execute();
}

// ---- activities ----

export async function insertActivity(db: Kysely<Database>, a: Omit<ActivityRow, 'id'> & { id?: number }): Promise<number> {
  const id = a.id ?? Number((await db.selectFrom('activities').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 1000) + 1;
  await db.insertInto('activities').values({ ...a, id }).execute();
  return id;
}

export async function getActivity(db: Kysely<Database>, id: number): Promise<ActivityRow | undefined> {
  return db.selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listActivities(db: Kysely<Database>): Promise<ActivityRow[]> {
  return db.selectFrom('activities').selectAll().orderBy('id').execute();
}

// ---- per-instance billing ----

export async function insertInstanceBilling(db: Kysely<Database>, rows: InstanceBillingRow[]): Promise<void> {
  if (rows.length) await db.insertInto('instance_billing').values(rows).execute();
}

export async function getInstanceBilling(db: Kysely<Database>, instanceId: string): Promise<InstanceBillingRow | undefined> {
  return db.selectFrom('instance_billing').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
}

export async function updateInstanceBilling(db: Kysely<Database>, instanceId: string, fields: Partial<Omit<InstanceBillingRow, 'instance_id'>>): Promise<void> {
  await db.updateTable('instance_billing').set(fields).where('instance_id', '=', instanceId).execute();
}

// ---- the service clock ----

export async function getClockOffset(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('service_clock').select('offset_ms').where('id', '=', 1).executeTakeFirst();
  return Number(row?.offset_ms ?? 0);
}

export async function setClockOffset(db: Kysely<Database>, offsetMs: number, now: string): Promise<void> {
  await db
    .insertInto('service_clock')
    .values({ id: 1, offset_ms: offsetMs, updated_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ offset_ms: offsetMs, updated_at: now }))
    .execute();
}
