// CreateSubnet: a subnet of a VPC in one zone; its CIDR inside the VPC's and overlapping no other subnet of
// it; associated with the VPC's default route table; with its Tags.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { newSubnetId } from '../../../core/ids.ts';
import { cidrContains, cidrOverlaps, formatCidr4, parseCidr4 } from '../../../core/cidr.ts';
import { defaultRouteTableId, findVpc } from '../../../store/networks.ts';
import { notFound, subnetView, VERSION } from '../common.ts';
import { bindVpcTags, checkVpcTags, subnetResource, TAGS_FIELD, type VpcTag } from '../tags.ts';
import { checkName } from './CreateVpc.ts';

interface Request {
  VpcId: string;
  SubnetName: string;
  CidrBlock: string;
  Zone: string;
  Tags?: VpcTag[];
  CdcId?: string;
}

export default defineAction<Request, { Subnet: Record<string, unknown> }>({
  service: 'vpc',
  version: VERSION,
  name: 'CreateSubnet',
  request: {
    VpcId: { type: 'string', required: true, description: 'VPC ID.' },
    SubnetName: { type: 'string', required: true, description: 'Name, at most 60 characters.' },
    CidrBlock: { type: 'string', required: true, description: 'CIDR inside the VPC, mask up to /28.' },
    Zone: { type: 'string', required: true, description: 'Availability zone.' },
    Tags: TAGS_FIELD,
    CdcId: { type: 'string', description: 'CDC (not supported).' },
  },
  async handle(ctx, req) {
    checkName(req.SubnetName, 'SubnetName');
    const tags = checkVpcTags(req.Tags);
    if (req.CdcId) throw new ApiError('UnsupportedOperation', 'CDC subnets are not supported by pgcloud.');
    const zone = ctx.catalog.zone(req.Zone);
    if (!zone || zone.Region !== ctx.region) throw new ApiError('InvalidParameterValue.Range', `Zone "${req.Zone}" is not a zone of region ${ctx.region}.`);
    const cidr = parseCidr4(req.CidrBlock);
    if (!cidr) throw new ApiError('InvalidParameterValue.Malformed', `CidrBlock "${req.CidrBlock}" is not a CIDR block with its host bits zero (e.g. 10.0.1.0/24).`);
    if (cidr.bits > 28) throw new ApiError('InvalidParameterValue.Range', `CidrBlock ${req.CidrBlock}: a subnet's mask is at most /28.`);
    const now = ctx.clock.now().toISOString();
    const row = await ctx.db.transaction().execute(async (trx) => {
      const vpc = await findVpc(trx, ctx.account.uin, req.VpcId);
      if (!vpc || vpc.region !== ctx.region) throw notFound('VPC', req.VpcId);
      const vpcCidr = parseCidr4(vpc.cidr_block)!;
      if (!cidrContains(vpcCidr, cidr)) throw new ApiError('InvalidParameterValue.SubnetRange', `CidrBlock ${req.CidrBlock} is not inside VPC ${vpc.id}'s ${vpc.cidr_block}.`);
      const siblings = await trx.selectFrom('subnets').select(['id', 'cidr_block']).where('vpc_id', '=', vpc.id).execute();
      const clash = siblings.find((s) => cidrOverlaps(parseCidr4(s.cidr_block, true)!, cidr));
      if (clash) throw new ApiError('InvalidParameterValue.SubnetConflict', `CidrBlock ${req.CidrBlock} overlaps subnet ${clash.id} (${clash.cidr_block}).`);
      const r = {
        id: newSubnetId(), uin: ctx.account.uin, vpc_id: vpc.id, region: ctx.region, zone: req.Zone, name: req.SubnetName, cidr_block: formatCidr4(cidr), is_default: 0, created_at: now,
        enable_broadcast: 0, route_table_id: await defaultRouteTableId(trx, vpc.id),
      };
      await trx.insertInto('subnets').values(r).execute();
      await bindVpcTags(trx, ctx, subnetResource(ctx.region, r.id), tags);
      return r;
    });
    return { Subnet: subnetView(row, 0, tags) };
  },
});
