// DeleteVpc: refused while an instance lives in it; its (empty) subnets go with it.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findVpc } from '../../../store/networks.ts';
import { liveInstancesIn, releaseDestroyedAddresses } from '../../../store/vpc.ts';
import { notFound, VERSION } from '../common.ts';

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
      await trx.deleteFrom('subnet_addresses').where('subnet_id', 'in', (eb) => eb.selectFrom('subnets').select('id').where('vpc_id', '=', vpc.id)).execute();
      await trx.deleteFrom('subnets').where('vpc_id', '=', vpc.id).execute();
      await trx.deleteFrom('vpcs').where('id', '=', vpc.id).execute();
    });
    return {};
  },
});
