import type { Kysely } from 'kysely';

// Billing: one balance row per account (a cache of its ledger, verified by tests), the immutable
// ledger, vouchers, operator-defined activities (discounts), per-instance billing state, and the
// service clock's offset (system time + offset_ms; moved by `pgcloud clock`).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_balances')
    .addColumn('uin', 'text', (c) => c.primaryKey().references('accounts.uin'))
    .addColumn('balance', 'bigint', (c) => c.notNull()) // available cents = sum(ledger.amount)
    .addColumn('frozen', 'bigint', (c) => c.notNull()) // frozen cents = sum(ledger.frozen)
    .addColumn('arrears_since', 'text') // service-clock time the balance went below zero
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('kind', 'text', (c) => c.notNull()) // topup | charge | freeze | unfreeze | settle | refund | voucher
    .addColumn('amount', 'bigint', (c) => c.notNull()) // signed effect on the available balance
    .addColumn('frozen', 'bigint', (c) => c.notNull()) // signed effect on the frozen amount
    .addColumn('instance_id', 'text')
    .addColumn('deal_name', 'text')
    .addColumn('bill_id', 'text')
    .addColumn('voucher_id', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_uin').on('ledger_entries').columns(['uin', 'created_at']).execute();
  await db.schema.createIndex('ledger_instance').on('ledger_entries').column('instance_id').execute();

  await db.schema
    .createTable('vouchers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('nominal', 'bigint', (c) => c.notNull()) // cents
    .addColumn('balance', 'bigint', (c) => c.notNull()) // cents left
    .addColumn('begin_time', 'text', (c) => c.notNull())
    .addColumn('end_time', 'text', (c) => c.notNull())
    .addColumn('remark', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vouchers_uin').on('vouchers').column('uin').execute();

  await db.schema
    .createTable('activities')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('percent_off', 'integer', (c) => c.notNull())
    .addColumn('begin_time', 'text', (c) => c.notNull())
    .addColumn('end_time', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('instance_billing')
    .addColumn('instance_id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('charge_type', 'text', (c) => c.notNull())
    .addColumn('monthly_price', 'bigint', (c) => c.notNull()) // list price of one month (renewals)
    .addColumn('hourly_price', 'bigint', (c) => c.notNull()) // price of one hour after the activity discount (postpaid)
    .addColumn('frozen', 'bigint', (c) => c.notNull()) // still frozen for this instance
    .addColumn('settled_until', 'text') // postpaid: hours up to here are settled
    .addColumn('refunded', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('service_clock')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('offset_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['service_clock', 'instance_billing', 'activities', 'vouchers', 'ledger_entries', 'account_balances']) await db.schema.dropTable(t).execute();
}
