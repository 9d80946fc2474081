import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('uin', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('secret_id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('secret_key_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('spec_code', 'text', (c) => c.notNull())
    .addColumn('cpu', 'integer', (c) => c.notNull())
    .addColumn('memory_mb', 'integer', (c) => c.notNull())
    .addColumn('storage_gb', 'integer', (c) => c.notNull())
    .addColumn('storage_type', 'text', (c) => c.notNull())
    .addColumn('db_engine', 'text', (c) => c.notNull())
    .addColumn('db_version', 'text', (c) => c.notNull())
    .addColumn('db_major_version', 'text', (c) => c.notNull())
    .addColumn('db_kernel_version', 'text', (c) => c.notNull())
    .addColumn('charset', 'text', (c) => c.notNull())
    .addColumn('admin_name', 'text', (c) => c.notNull())
    .addColumn('admin_verifier', 'text', (c) => c.notNull())
    .addColumn('charge_type', 'text', (c) => c.notNull())
    .addColumn('period', 'integer', (c) => c.notNull())
    .addColumn('auto_renew', 'integer', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('vpc_id', 'text', (c) => c.notNull())
    .addColumn('subnet_id', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('node_set', 'text', (c) => c.notNull())
    .addColumn('deletion_protection', 'integer', (c) => c.notNull())
    .addColumn('deal_name', 'text', (c) => c.notNull())
    .addColumn('host', 'text')
    .addColumn('port', 'integer')
    .addColumn('desired_state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('expire_time', 'text')
    .addColumn('isolated_time', 'text')
    .execute();
  await db.schema.createIndex('instances_uin').on('instances').columns(['uin', 'created_at']).execute();
  await db.schema.createIndex('instances_status').on('instances').column('status').execute();
  await db.schema.createIndex('instances_address').on('instances').columns(['host', 'port']).unique().execute();

  await db.schema
    .createTable('orders')
    .addColumn('deal_name', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('bill_id', 'text', (c) => c.notNull())
    .addColumn('pay_mode', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('instance_ids', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['orders', 'instances', 'api_keys', 'accounts']) await db.schema.dropTable(t).execute();
}
