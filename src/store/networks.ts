// VPC and subnet lookups, and the default network every account gets per region.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { newSubnetId, newVpcId } from '../core/ids.ts';

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
    await trx.insertInto('vpcs').values({ id: vpc.id, uin, region, name: 'Default-VPC', cidr_block: '172.16.0.0/16', is_default: 1, created_at: now }).execute();
  }
  let subnet = await trx.selectFrom('subnets').select(['id']).where('vpc_id', '=', vpc.id).where('zone', '=', zone).where('is_default', '=', 1).executeTakeFirst();
  if (!subnet) {
    subnet = { id: newSubnetId() };
    await trx
      .insertInto('subnets')
      .values({ id: subnet.id, uin, vpc_id: vpc.id, region, zone, name: 'Default-Subnet', cidr_block: `172.16.${(zoneIndex * 16) % 256}.0/20`, is_default: 1, created_at: now })
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
