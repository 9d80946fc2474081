// ModifyVpcAttribute: changes a VPC's name, multicast flag, DNS servers, DHCP domain name and CCN
// route-publish flags; what is not given stays. (Terraform's tencentcloud_vpc sends them all on update.)
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import type { Updateable } from 'kysely';
import type { VpcsTable } from '../../../store/schema.ts';
import { findVpc } from '../../../store/networks.ts';
import { checkDnsServers, checkDomainName, checkFlagString, notFound, VERSION } from '../common.ts';
import { checkName } from './CreateVpc.ts';

interface Request {
  VpcId: string;
  VpcName?: string;
  EnableMulticast?: string;
  DnsServers?: string[];
  DomainName?: string;
  EnableRouteVpcPublish?: boolean;
  EnableCdcPublish?: boolean;
  EnableRouteVpcPublishIpv6?: boolean;
}

export default defineAction<Request, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'ModifyVpcAttribute',
  request: {
    VpcId: { type: 'string', required: true, description: 'VPC ID, e.g. vpc-f49l6u0z.' },
    VpcName: { type: 'string', description: 'Name, at most 60 characters.' },
    EnableMulticast: { type: 'string', description: 'Multicast: "true" or "false".' },
    DnsServers: { type: { array: 'string' }, description: 'DNS servers, at most 4, the first the primary.' },
    DomainName: { type: 'string', description: 'DHCP domain name.' },
    EnableRouteVpcPublish: { type: 'boolean', description: 'CCN route publishing by CIDR (false: by subnet).' },
    EnableCdcPublish: { type: 'boolean', description: 'Publish CDC subnets to CCN (pgcloud has no CDC).' },
    EnableRouteVpcPublishIpv6: { type: 'boolean', description: 'CCN IPv6 route publishing by CIDR.' },
  },
  async handle(ctx, req) {
    const change: Updateable<VpcsTable> = {};
    if (req.VpcName !== undefined) {
      checkName(req.VpcName, 'VpcName');
      change.name = req.VpcName;
    }
    if (req.EnableMulticast !== undefined) change.enable_multicast = checkFlagString(req.EnableMulticast, 'EnableMulticast') ? 1 : 0;
    if (req.DnsServers !== undefined && req.DnsServers.length) change.dns_servers = JSON.stringify(checkDnsServers(req.DnsServers));
    if (req.DomainName !== undefined) change.domain_name = checkDomainName(req.DomainName);
    if (req.EnableRouteVpcPublish !== undefined) change.route_vpc_publish = req.EnableRouteVpcPublish ? 1 : 0;
    if (req.EnableRouteVpcPublishIpv6 !== undefined) change.route_vpc_publish_ipv6 = req.EnableRouteVpcPublishIpv6 ? 1 : 0;
    if (req.EnableCdcPublish) throw new ApiError('UnsupportedOperation.CdcPublishNeedCdcId', `VPC ${req.VpcId} has no CDC subnets to publish (pgcloud has no CDC).`);
    await ctx.db.transaction().execute(async (trx) => {
      const vpc = await findVpc(trx, ctx.account.uin, req.VpcId);
      if (!vpc || vpc.region !== ctx.region) throw notFound('VPC', req.VpcId);
      if (Object.keys(change).length) await trx.updateTable('vpcs').set(change).where('id', '=', vpc.id).execute();
    });
    return {};
  },
});
