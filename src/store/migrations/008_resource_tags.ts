// Resource tags and the VPC attributes Terraform's vpc/subnet/security group resources manage (issue 11):
// - resource_tags: every tag bound to a resource, keyed by owner and six-segment resource name
//   (qcs::<service>:<region>:uin/<uin>:<prefix>/<id>); the one source of truth the tag service,
//   CreateInstances/DescribeDBInstances (TagList) and the vpc service (Tags, TagSet) read and write.
//   The postgres instances' tags move here from instances.tags, which is dropped; every pair also goes
//   into tag_catalog (the tags that exist in the account);
// - route_tables: each VPC's route tables, its default (main) one made for every existing VPC;
//   subnets.route_table_id names the table a subnet is associated with (the default one);
// - vpcs: DNS servers, domain name, multicast and route-publish flags; subnets: the broadcast flag.
import type { Kysely } from 'kysely';
import { newRouteTableId } from '../../core/ids.ts';
import { DEFAULT_DNS_SERVERS } from '../networks.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('resource_tags')
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('resource_prefix', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag_value', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_tags_pk', ['uin', 'resource', 'tag_key'])
    .execute();
  await db.schema.createIndex('resource_tags_type').on('resource_tags').columns(['uin', 'service', 'resource_prefix', 'resource_id']).execute();
  await db.schema.createIndex('resource_tags_pair').on('resource_tags').columns(['uin', 'tag_key', 'tag_value']).execute();

  const instances = await db.selectFrom('instances').select(['id', 'uin', 'region', 'tags', 'desired_state', 'created_at']).execute();
  for (const i of instances) {
    if (i.desired_state === 'destroyed') continue;
    const tags = JSON.parse(i.tags) as Array<{ TagKey: string; TagValue: string }>;
    for (const [position, t] of tags.entries()) {
      await db
        .insertInto('resource_tags')
        .values({
          uin: i.uin, resource: `qcs::postgres:${i.region}:uin/${i.uin}:DBInstanceId/${i.id}`, service: 'postgres', region: i.region,
          resource_prefix: 'DBInstanceId', resource_id: i.id, tag_key: t.TagKey, tag_value: t.TagValue, position, created_at: i.created_at,
        })
        .execute();
      const known = await db.selectFrom('tag_catalog').select('uin').where('uin', '=', i.uin).where('tag_key', '=', t.TagKey).where('tag_value', '=', t.TagValue).executeTakeFirst();
      if (!known) await db.insertInto('tag_catalog').values({ uin: i.uin, tag_key: t.TagKey, tag_value: t.TagValue, created_at: i.created_at }).execute();
    }
  }
  await db.schema.alterTable('instances').dropColumn('tags').execute();

  await db.schema
    .createTable('route_tables')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('vpc_id', 'text', (c) => c.notNull().references('vpcs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('route_tables_vpc').on('route_tables').column('vpc_id').execute();
  await db.schema.alterTable('subnets').addColumn('route_table_id', 'text').execute();
  await db.schema.alterTable('subnets').addColumn('enable_broadcast', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  for (const v of await db.selectFrom('vpcs').select(['id', 'uin', 'region', 'created_at']).execute()) {
    const id = newRouteTableId();
    await db.insertInto('route_tables').values({ id, uin: v.uin, region: v.region, vpc_id: v.id, name: 'default', is_default: 1, created_at: v.created_at }).execute();
    await db.updateTable('subnets').set({ route_table_id: id }).where('vpc_id', '=', v.id).execute();
  }

  await db.schema.alterTable('vpcs').addColumn('dns_servers', 'text', (c) => c.notNull().defaultTo(JSON.stringify(DEFAULT_DNS_SERVERS))).execute();
  await db.schema.alterTable('vpcs').addColumn('domain_name', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('vpcs').addColumn('enable_multicast', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('vpcs').addColumn('route_vpc_publish', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('vpcs').addColumn('route_vpc_publish_ipv6', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['route_vpc_publish_ipv6', 'route_vpc_publish', 'enable_multicast', 'domain_name', 'dns_servers']) await db.schema.alterTable('vpcs').dropColumn(c).execute();
  for (const c of ['enable_broadcast', 'route_table_id']) await db.schema.alterTable('subnets').dropColumn(c).execute();
  await db.schema.dropTable('route_tables').execute();
  await db.schema.alterTable('instances').addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.dropTable('resource_tags').execute();
}
