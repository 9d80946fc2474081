// Networks, security groups, tags and projects (issue 5):
// - security_groups: per (account, region); policies kept in order as JSON lists (ingress, egress),
//   with a version bumped by every change (SecurityGroupPolicySet.Version);
// - instance_security_groups: which groups an instance is bound to, in order;
// - subnet_addresses: the address book of each subnet (one VPC address per instance);
// - projects: the account's projects (project 0, the default project, is implicit);
// - tag_catalog: tag key/value pairs the account has used (DescribeTags lists them).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The instance's address in its subnet (also in subnet_addresses), and whether it listens on IPv6.
  await db.schema.alterTable('instances').addColumn('vpc_ip', 'text').execute();
  await db.schema.alterTable('instances').addColumn('ipv6', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('security_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull())
    .addColumn('ingress', 'text', (c) => c.notNull())
    .addColumn('egress', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('security_groups_owner').on('security_groups').columns(['uin', 'region']).execute();
  await db.schema
    .createTable('instance_security_groups')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('security_groups.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('instance_security_groups_pk', ['instance_id', 'group_id'])
    .execute();
  await db.schema.createIndex('instance_security_groups_group').on('instance_security_groups').column('group_id').execute();
  await db.schema
    .createTable('subnet_addresses')
    .addColumn('subnet_id', 'text', (c) => c.notNull().references('subnets.id'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('subnet_addresses_pk', ['subnet_id', 'address'])
    .execute();
  await db.schema.createIndex('subnet_addresses_instance').on('subnet_addresses').column('instance_id').execute();
  await db.schema
    .createTable('projects')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('info', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('tag_catalog')
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag_value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tag_catalog_pk', ['uin', 'tag_key', 'tag_value'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tag_catalog').execute();
  await db.schema.dropTable('projects').execute();
  await db.schema.dropTable('subnet_addresses').execute();
  await db.schema.dropTable('instance_security_groups').execute();
  await db.schema.dropTable('security_groups').execute();
}
