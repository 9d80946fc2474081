// An instance's place in the network: its address in its subnet's address book and its security
// groups. Without SecurityGroupIds an instance is bound to no group (and so accepts logins from any
// address, as the default group, which allows everything, would): the real service reports no group for
// it, which the Terraform provider relies on (README, "Behaviour inferred from the Terraform provider").
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { ApiError } from '../../core/errors.ts';
import { allocateSubnetAddress, bindSecurityGroups } from '../../store/vpc.ts';

/** Checks that every group exists in the account and region; returns them deduplicated, in order. */
export async function checkSecurityGroupIds(db: Kysely<Database>, uin: string, region: string, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length > 10) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'An instance takes at most 10 security groups.');
  if (unique.length === 0) return [];
  const rows = await db.selectFrom('security_groups').select(['id', 'region']).where('uin', '=', uin).where('id', 'in', unique).execute();
  for (const id of unique) {
    const row = rows.find((r) => r.id === id);
    if (!row || row.region !== region)
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Security group "${id}" does not exist in region ${region}; see vpc DescribeSecurityGroups.`);
  }
  return unique;
}

/** Allocates each instance an address of the subnet and binds its groups. Run inside the creating transaction. */
export async function attachNetwork(
  trx: Kysely<Database>,
  a: { subnetId: string; instanceIds: string[]; securityGroupIds: string[]; now: string },
): Promise<void> {
  const subnet = await trx.selectFrom('subnets').select(['id', 'cidr_block']).where('id', '=', a.subnetId).executeTakeFirstOrThrow();
  for (const id of a.instanceIds) {
    const address = await allocateSubnetAddress(trx, subnet, id, a.now);
    await trx.updateTable('instances').set({ vpc_ip: address }).where('id', '=', id).execute();
    await bindSecurityGroups(trx, id, a.securityGroupIds);
  }
}
