// DeleteSubnet: refused while an instance lives in it.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findSubnet } from '../../../store/networks.ts';
import { liveInstancesIn, releaseDestroyedAddresses } from '../../../store/vpc.ts';
import { dropResourceTags } from '../../../store/tags.ts';
import { notFound, VERSION } from '../common.ts';
import { subnetResource } from '../tags.ts';

export default defineAction<{ SubnetId: string }, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'DeleteSubnet',
  regionRequired: false,
  request: { SubnetId: { type: 'string', required: true, description: 'Subnet ID.' } },
  async handle(ctx, req) {
    await ctx.db.transaction().execute(async (trx) => {
      const subnet = await findSubnet(trx, ctx.account.uin, req.SubnetId);
      if (!subnet) throw notFound('Subnet', req.SubnetId);
      const live = await liveInstancesIn(trx, { subnetId: subnet.id });
      if (live.length) throw new ApiError('ResourceInUse', `Subnet ${subnet.id} still holds instance(s) ${live.join(', ')}; destroy them or move them first.`);
      await releaseDestroyedAddresses(trx);
      await trx.deleteFrom('subnet_addresses').where('subnet_id', '=', subnet.id).execute();
      await trx.deleteFrom('subnets').where('id', '=', subnet.id).execute();
      await dropResourceTags(trx, ctx.account.uin, [subnetResource(subnet.region, subnet.id)]);
    });
    return {};
  },
});
