// VPC and subnet lookups, and the default network every account gets per region.
import type { Insertable, Kysely } from 'kysely';
import type { Database, VpcsTable } from './schema.ts';
import { newRouteTableId, newSubnetId, newVpcId } from '../core/ids.ts';

/** The DNS servers a VPC is given when CreateVpc names none (Tencent's own resolvers). */
export const DEFAULT_DNS_SERVERS = ['183.60.83.19', '183.60.82.98'];

export interface NetworkChoice {
  vpcId: string;
  subnetId: string;
}

/**
 * The default VPC of (uin, region) and the default subnet of zone in it, created when missing.
 * Run inside the caller's transaction so a failed request leaves nothing behind.
 */
export async function ensureDefaultNetwork(trx: Kysely<Database>, uin: string, region: string, zone: string, zoneIndex: number): Promise<NetworkChoice> {
  const now = new Date().toISOString();
  let vpc = await trx.selectFrom('vpcs').select(['id']).where('uin', '=', uin).where('region', '=', region).where('is_default', '=', 1).executeTakeFirst();
  if (!vpc) {
    vpc = { id: newVpcId() };
    await insertVpc(trx, { id: vpc.id, uin, region, name: 'Default-VPC', cidr_block: '172.16.0.0/16', is_default: 1, created_at: now });
  }
  let subnet = await trx.selectFrom('subnets').select(['id']).where('vpc_id', '=', vpc.id).where('zone', '=', zone).where('is_default', '=', 1).executeTakeFirst();
  if (!subnet) {
    subnet = { id: newSubnetId() };
    await trx
      .insertInto('subnets')
      .values({
        id: subnet.id, uin, vpc_id: vpc.id, region, zone, name: 'Default-Subnet', cidr_block: `172.16.${(zoneIndex * 16) % 256}.0/20`, is_default: 1, created_at: now,
        route_table_id: await defaultRouteTableId(trx, vpc.id),
      })
      .execute();
  }
  return { vpcId: vpc.id, subnetId: subnet.id };
}

export async function findSubnet(db: Kysely<Database>, uin: string, subnetId: string) {
  return db.selectFrom('subnets').selectAll().where('uin', '=', uin).where('id', '=', subnetId).executeTakeFirst();
}

export async function findVpc(db: Kysely<Database>, uin: string, vpcId: string) {
  return db.selectFrom('vpcs').selectAll().where('uin', '=', uin).where('id', '=', vpcId).executeTakeFirst();
}

/** Records a VPC with its default route table (Main), as the real service makes them together. */
export async function insertVpc(trx: Kysely<Database>, row: Insertable<VpcsTable>): Promise<string> {
  await trx.insertInto('vpcs').values(row).execute();
  const id = newRouteTableId();
  await trx.insertInto('route_tables').values({ id, uin: row.uin, region: row.region, vpc_id: row.id, name: 'default', is_default: 1, created_at: row.created_at }).execute();
  return id;
}

export async function defaultRouteTableId(db: Kysely<Database>, vpcId: string): Promise<string | null> {
  const row = await db.selectFrom('route_tables').select('id').where('vpc_id', '=', vpcId).where('is_default', '=', 1).executeTakeFirst();
  return row?.id ?? null;
}

export async function findRouteTable(db: Kysely<Database>, uin: string, id: string) {
  return db.selectFrom('route_tables').selectAll().where('uin', '=', uin).where('id', '=', id).executeTakeFirst();
}
