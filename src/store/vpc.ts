// Security groups, their bindings to instances, and the subnets' address books.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { ApiError } from '../core/errors.ts';
import { newSecurityGroupId } from '../core/ids.ts';
import { intToIp, ipToInt, parseCidr4, parseCidr6 } from '../core/cidr.ts';

/** One security group policy as stored (the wire's SecurityGroupPolicy minus what is derived). */
export interface StoredPolicy {
  Protocol: string; // TCP | UDP | ICMP | ICMPV6 | GRE | ALL
  Port: string; // ALL | "5432" | "5000-6000" | "22,5432"
  CidrBlock: string;
  Ipv6CidrBlock: string;
  Action: string; // ACCEPT | DROP
  PolicyDescription: string;
  ModifyTime: string;
}

/** What the engine enforces: ordered source-address rules (first match wins, then everything else is refused). */
export interface AccessRule {
  cidr: string;
  allow: boolean;
}

/** Tencent's default group for databases: everything allowed in and out (documented in docs/networks). */
export const DEFAULT_GROUP_POLICIES = (now: string): { ingress: StoredPolicy[]; egress: StoredPolicy[] } => {
  const all = (cidr: string, v6: string): StoredPolicy => ({ Protocol: 'ALL', Port: 'ALL', CidrBlock: cidr, Ipv6CidrBlock: v6, Action: 'ACCEPT', PolicyDescription: '', ModifyTime: now });
  return { ingress: [all('0.0.0.0/0', ''), all('', '::/0')], egress: [all('0.0.0.0/0', ''), all('', '::/0')] };
};

export async function findSecurityGroup(db: Kysely<Database>, uin: string, id: string) {
  return db.selectFrom('security_groups').selectAll().where('uin', '=', uin).where('id', '=', id).executeTakeFirst();
}

/** The default security group of (uin, region, project), made on first use. */
export async function ensureDefaultSecurityGroup(trx: Kysely<Database>, uin: string, region: string, projectId: number, now: string): Promise<string> {
  const found = await trx
    .selectFrom('security_groups')
    .select('id')
    .where('uin', '=', uin)
    .where('region', '=', region)
    .where('project_id', '=', projectId)
    .where('is_default', '=', 1)
    .executeTakeFirst();
  if (found) return found.id;
  const id = newSecurityGroupId();
  const { ingress, egress } = DEFAULT_GROUP_POLICIES(now);
  await trx
    .insertInto('security_groups')
    .values({
      id, uin, region, project_id: projectId, name: 'default', description: 'System created security group',
      is_default: 1, ingress: JSON.stringify(ingress), egress: JSON.stringify(egress), version: 1, created_at: now, updated_at: now,
    })
    .execute();
  return id;
}

/** Replaces the instance's bound groups (in this order). */
export async function bindSecurityGroups(trx: Kysely<Database>, instanceId: string, groupIds: string[]): Promise<void> {
  await trx.deleteFrom('instance_security_groups').where('instance_id', '=', instanceId).execute();
  if (groupIds.length)
    await trx
      .insertInto('instance_security_groups')
      .values(groupIds.map((g, i) => ({ instance_id: instanceId, group_id: g, position: i })))
      .execute();
}

/** Tells the reconciler that these instances' access rules changed (it rewrites pg_hba.conf and reloads). */
export async function bumpInstances(trx: Kysely<Database>, instanceIds: string[]): Promise<void> {
  if (instanceIds.length === 0) return;
  await trx
    .updateTable('instances')
    .set((eb) => ({ generation: eb('generation', '+', 1) }))
    .where('id', 'in', instanceIds)
    .execute();
}

export async function instancesOfGroup(db: Kysely<Database>, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('instance_security_groups')
    .innerJoin('instances', 'instances.id', 'instance_security_groups.instance_id')
    .select('instances.id')
    .where('instance_security_groups.group_id', '=', groupId)
    .where('instances.desired_state', '!=', 'destroyed')
    .execute();
  return rows.map((r) => r.id);
}

/** Whether a policy's PortRange covers port ("ALL", "5432", "5000-6000", "22,5432"). */
export function portCovers(range: string, port: number): boolean {
  const r = range.trim().toUpperCase();
  if (r === '' || r === 'ALL') return true;
  return r.split(',').some((part) => {
    const [lo, hi] = part.split('-').map((x) => Number(x.trim()));
    if (lo === undefined || !Number.isInteger(lo)) return false;
    return hi === undefined ? port === lo : port >= lo && port <= hi;
  });
}

/**
 * The access rules of an instance listening on port: the ingress policies of its bound groups, group
 * by group in binding order and policy by policy in policy order, that concern TCP to that port.
 * undefined when the instance has no group bound (no filtering, as before groups existed).
 */
export async function accessRulesFor(db: Kysely<Database>, instanceId: string, port: number): Promise<AccessRule[] | undefined> {
  const groups = await db
    .selectFrom('instance_security_groups')
    .innerJoin('security_groups', 'security_groups.id', 'instance_security_groups.group_id')
    .select(['security_groups.ingress'])
    .where('instance_security_groups.instance_id', '=', instanceId)
    .orderBy('instance_security_groups.position')
    .execute();
  if (groups.length === 0) return undefined;
  const rules: AccessRule[] = [];
  for (const g of groups) {
    for (const p of JSON.parse(g.ingress) as StoredPolicy[]) {
      const proto = p.Protocol.toUpperCase();
      if (proto !== 'ALL' && proto !== 'TCP') continue;
      if (!portCovers(p.Port, port)) continue;
      const allow = p.Action.toUpperCase() === 'ACCEPT';
      if (p.CidrBlock) {
        const c = parseCidr4(p.CidrBlock, true);
        if (c) rules.push({ cidr: `${intToIp(c.base)}/${c.bits}`, allow });
      }
      if (p.Ipv6CidrBlock) {
        const c = parseCidr6(p.Ipv6CidrBlock);
        if (c) rules.push({ cidr: `${c.address}/${c.bits}`, allow });
      }
    }
  }
  return rules;
}

/** Frees the addresses of destroyed instances (an address is released when its instance is destroyed). */
export async function releaseDestroyedAddresses(db: Kysely<Database>): Promise<void> {
  await db
    .deleteFrom('subnet_addresses')
    .where('instance_id', 'in', (eb) => eb.selectFrom('instances').select('id').where('desired_state', '=', 'destroyed'))
    .execute();
}

/** Addresses of a subnet the real service keeps: the network address, the gateway (.1) and the broadcast address. */
export const RESERVED_PER_SUBNET = 3;

/** Allocates the lowest free address of the subnet to the instance. Run inside the caller's transaction. */
export async function allocateSubnetAddress(trx: Kysely<Database>, subnet: { id: string; cidr_block: string }, instanceId: string, now: string): Promise<string> {
  await releaseDestroyedAddresses(trx);
  const cidr = parseCidr4(subnet.cidr_block, true);
  if (!cidr) throw new Error(`subnet ${subnet.id} has a bad CIDR ${subnet.cidr_block}`);
  const used = new Set((await trx.selectFrom('subnet_addresses').select('address').where('subnet_id', '=', subnet.id).execute()).map((r) => ipToInt(r.address)));
  for (let n = cidr.base + 2; n < cidr.base + cidr.size - 1; n++) {
    if (used.has(n)) continue;
    const address = intToIp(n);
    await trx.insertInto('subnet_addresses').values({ subnet_id: subnet.id, address, instance_id: instanceId, created_at: now }).execute();
    return address;
  }
  throw new ApiError('ResourceInsufficient', `Subnet ${subnet.id} (${subnet.cidr_block}) has no free IP address left.`);
}

/** Addresses in use per subnet (destroyed instances' addresses are free). */
export async function usedAddressCounts(db: Kysely<Database>, subnetIds: string[]): Promise<Map<string, number>> {
  if (subnetIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('subnet_addresses')
    .innerJoin('instances', 'instances.id', 'subnet_addresses.instance_id')
    .select(['subnet_addresses.subnet_id as subnet_id'])
    .select((eb) => eb.fn.countAll().as('n'))
    .where('subnet_addresses.subnet_id', 'in', subnetIds)
    .where('instances.desired_state', '!=', 'destroyed')
    .groupBy('subnet_addresses.subnet_id')
    .execute();
  return new Map(rows.map((r) => [r.subnet_id, Number(r.n)]));
}

/** Live (not destroyed) instances in a subnet or a VPC. */
export async function liveInstancesIn(db: Kysely<Database>, where: { subnetId?: string; vpcId?: string }): Promise<string[]> {
  let q = db.selectFrom('instances').select('id').where('desired_state', '!=', 'destroyed');
  if (where.subnetId) q = q.where('subnet_id', '=', where.subnetId);
  if (where.vpcId) q = q.where('vpc_id', '=', where.vpcId);
  return (await q.execute()).map((r) => r.id);
}
