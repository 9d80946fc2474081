// ReplaceRouteTableAssociation: associates a subnet with another route table of its VPC (a subnet has
// exactly one).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findRouteTable, findSubnet } from '../../../store/networks.ts';
import { notFound, VERSION } from '../common.ts';

export default defineAction<{ RouteTableId: string; SubnetId?: string }, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'ReplaceRouteTableAssociation',
  request: {
    RouteTableId: { type: 'string', required: true, description: 'Route table ID, e.g. rtb-azd4dt1c.' },
    SubnetId: { type: 'string', description: 'Subnet ID, e.g. subnet-3x5lf5q0.' },
  },
  async handle(ctx, req) {
    if (!req.SubnetId) throw new ApiError('MissingParameter', 'SubnetId is required.');
    await ctx.db.transaction().execute(async (trx) => {
      const subnet = await findSubnet(trx, ctx.account.uin, req.SubnetId!);
      if (!subnet || subnet.region !== ctx.region) throw notFound('Subnet', req.SubnetId!);
      const table = await findRouteTable(trx, ctx.account.uin, req.RouteTableId);
      if (!table || table.region !== ctx.region) throw notFound('Route table', req.RouteTableId);
      if (table.vpc_id !== subnet.vpc_id) throw new ApiError('UnsupportedOperation.VpcMismatch', `Route table ${table.id} is in VPC ${table.vpc_id}, subnet ${subnet.id} in VPC ${subnet.vpc_id}.`);
      await trx.updateTable('subnets').set({ route_table_id: table.id }).where('id', '=', subnet.id).execute();
    });
    return {};
  },
});
