import type { Kysely } from 'kysely';

// VPCs and subnets. Every (account, region) gets a default VPC and every zone a default subnet,
// made the first time the account uses the region.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vpcs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('cidr_block', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vpcs_owner').on('vpcs').columns(['uin', 'region']).execute();
  await db.schema
    .createTable('subnets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('vpc_id', 'text', (c) => c.notNull().references('vpcs.id'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('cidr_block', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subnets_vpc').on('subnets').column('vpc_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('subnets').execute();
  await db.schema.dropTable('vpcs').execute();
}
