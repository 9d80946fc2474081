// ModifySubnetAttribute: changes a subnet's name and broadcast flag; what is not given stays.
// (Terraform's tencentcloud_subnet calls it right after CreateSubnet, and on every update.)
import { defineAction } from '../../../core/action.ts';
import type { Updateable } from 'kysely';
import type { SubnetsTable } from '../../../store/schema.ts';
import { findSubnet } from '../../../store/networks.ts';
import { checkFlagString, notFound, VERSION } from '../common.ts';
import { checkName } from './CreateVpc.ts';

interface Request {
  SubnetId: string;
  SubnetName?: string;
  EnableBroadcast?: string;
}

export default defineAction<Request, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'ModifySubnetAttribute',
  request: {
    SubnetId: { type: 'string', required: true, description: 'Subnet ID, e.g. subnet-pxir56ns.' },
    SubnetName: { type: 'string', description: 'Name, at most 60 characters.' },
    EnableBroadcast: { type: 'string', description: 'Broadcast: "true" or "false".' },
  },
  async handle(ctx, req) {
    const change: Updateable<SubnetsTable> = {};
    if (req.SubnetName !== undefined) {
      checkName(req.SubnetName, 'SubnetName');
      change.name = req.SubnetName;
    }
    if (req.EnableBroadcast !== undefined) change.enable_broadcast = checkFlagString(req.EnableBroadcast, 'EnableBroadcast') ? 1 : 0;
    await ctx.db.transaction().execute(async (trx) => {
      const subnet = await findSubnet(trx, ctx.account.uin, req.SubnetId);
      if (!subnet || subnet.region !== ctx.region) throw notFound('Subnet', req.SubnetId);
      if (Object.keys(change).length) await trx.updateTable('subnets').set(change).where('id', '=', subnet.id).execute();
    });
    return {};
  },
});
