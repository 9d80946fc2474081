// CreateVpc: a VPC of the account in the request's region, its CIDR inside a private range (RFC 1918),
// made with its default route table (DescribeRouteTables association.main) and its Tags.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { newVpcId } from '../../../core/ids.ts';
import { cidrContains, formatCidr4, parseCidr4, PRIVATE_RANGES } from '../../../core/cidr.ts';
import { DEFAULT_DNS_SERVERS, insertVpc } from '../../../store/networks.ts';
import { checkDnsServers, checkDomainName, checkFlagString, VERSION, vpcView } from '../common.ts';
import { bindVpcTags, checkVpcTags, TAGS_FIELD, vpcResource, type VpcTag } from '../tags.ts';

interface Request {
  VpcName: string;
  CidrBlock: string;
  EnableMulticast?: string;
  DnsServers?: string[];
  DomainName?: string;
  Tags?: VpcTag[];
  EnableRouteVpcPublish?: boolean;
  EnableRouteVpcPublishIpv6?: boolean;
}

export function checkName(name: string, field: string): void {
  if (!name.trim() || name.length > 60) throw new ApiError('InvalidParameterValue.TooLong', `${field} must be 1-60 characters.`);
}

export default defineAction<Request, { Vpc: Record<string, unknown> }>({
  service: 'vpc',
  version: VERSION,
  name: 'CreateVpc',
  request: {
    VpcName: { type: 'string', required: true, description: 'Name, at most 60 characters.' },
    CidrBlock: { type: 'string', required: true, description: 'CIDR within 10.0.0.0/12-28, 172.16.0.0/12-28 or 192.168.0.0/16-28.' },
    EnableMulticast: { type: 'string', description: 'Multicast: "true" or "false" (default).' },
    DnsServers: { type: { array: 'string' }, description: 'DNS servers, at most 4 (default 183.60.83.19, 183.60.82.98).' },
    DomainName: { type: 'string', description: 'DHCP domain name.' },
    Tags: TAGS_FIELD,
    EnableRouteVpcPublish: { type: 'boolean', description: 'CCN route publishing by CIDR (default false: by subnet).' },
    EnableRouteVpcPublishIpv6: { type: 'boolean', description: 'CCN IPv6 route publishing by CIDR (default false).' },
  },
  async handle(ctx, req) {
    checkName(req.VpcName, 'VpcName');
    const tags = checkVpcTags(req.Tags);
    const multicast = checkFlagString(req.EnableMulticast, 'EnableMulticast');
    const dns = req.DnsServers?.length ? checkDnsServers(req.DnsServers) : DEFAULT_DNS_SERVERS;
    const domain = checkDomainName(req.DomainName ?? '');
    const cidr = parseCidr4(req.CidrBlock);
    if (!cidr) throw new ApiError('InvalidParameterValue.Malformed', `CidrBlock "${req.CidrBlock}" is not a CIDR block with its host bits zero (e.g. 10.0.0.0/16).`);
    if (!PRIVATE_RANGES.some((r) => cidrContains(r, cidr)) || cidr.bits > 28 || cidr.bits < 12)
      throw new ApiError('InvalidParameterValue.Range', `CidrBlock ${req.CidrBlock} must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a mask of /12 (/16 for 192.168) to /28.`);
    const now = ctx.clock.now().toISOString();
    const row = {
      id: newVpcId(), uin: ctx.account.uin, region: ctx.region, name: req.VpcName, cidr_block: formatCidr4(cidr), is_default: 0, created_at: now,
      dns_servers: JSON.stringify(dns), domain_name: domain, enable_multicast: multicast ? 1 : 0,
      route_vpc_publish: req.EnableRouteVpcPublish ? 1 : 0, route_vpc_publish_ipv6: req.EnableRouteVpcPublishIpv6 ? 1 : 0,
    };
    await ctx.db.transaction().execute(async (trx) => {
      await insertVpc(trx, row);
      await bindVpcTags(trx, ctx, vpcResource(ctx.region, row.id), tags);
    });
    return { Vpc: vpcView(row, tags) };
  },
});
