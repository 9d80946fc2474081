// DeleteVpc: refused while an instance lives in it; its (empty) subnets and its route tables go with it,
// and all their tags.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findVpc } from '../../../store/networks.ts';
import { liveInstancesIn, releaseDestroyedAddresses } from '../../../store/vpc.ts';
import { dropResourceTags } from '../../../store/tags.ts';
import { notFound, VERSION } from '../common.ts';
import { routeTableResource, subnetResource, vpcResource } from '../tags.ts';

export default defineAction<{ VpcId: string }, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'DeleteVpc',
  regionRequired: false,
  request: { VpcId: { type: 'string', required: true, description: 'VPC ID.' } },
  async handle(ctx, req) {
    await ctx.db.transaction().execute(async (trx) => {
      const vpc = await findVpc(trx, ctx.account.uin, req.VpcId);
      if (!vpc) throw notFound('VPC', req.VpcId);
      const live = await liveInstancesIn(trx, { vpcId: vpc.id });
      if (live.length) throw new ApiError('ResourceInUse', `VPC ${vpc.id} still holds instance(s) ${live.join(', ')}; destroy them or move them first.`);
      await releaseDestroyedAddresses(trx);
      const subnets = await trx.selectFrom('subnets').select('id').where('vpc_id', '=', vpc.id).execute();
      const tables = await trx.selectFrom('route_tables').select('id').where('vpc_id', '=', vpc.id).execute();
      await dropResourceTags(trx, ctx.account.uin, [
        vpcResource(vpc.region, vpc.id),
        ...subnets.map((s) => subnetResource(vpc.region, s.id)),
        ...tables.map((t) => routeTableResource(vpc.region, t.id)),
      ]);
      await trx.deleteFrom('subnet_addresses').where('subnet_id', 'in', (eb) => eb.selectFrom('subnets').select('id').where('vpc_id', '=', vpc.id)).execute();
      await trx.deleteFrom('subnets').where('vpc_id', '=', vpc.id).execute();
      await trx.deleteFrom('route_tables').where('vpc_id', '=', vpc.id).execute();
      await trx.deleteFrom('vpcs').where('id', '=', vpc.id).execute();
    });
    return {};
  },
});
