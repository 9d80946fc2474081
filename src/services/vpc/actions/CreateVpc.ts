// CreateVpc: a VPC of the account in the request's region, its CIDR inside a private range (RFC 1918).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { newVpcId } from '../../../core/ids.ts';
import { cidrContains, formatCidr4, parseCidr4, PRIVATE_RANGES } from '../../../core/cidr.ts';
import { refuseTags, TAGS_FIELD, VERSION, vpcView } from '../common.ts';

interface Request {
  VpcName: string;
  CidrBlock: string;
  EnableMulticast?: string;
  DnsServers?: string[];
  DomainName?: string;
  Tags?: Array<{ Key: string; Value?: string }>;
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
    EnableMulticast: { type: 'string', description: 'Multicast (not supported).' },
    DnsServers: { type: { array: 'string' }, description: 'DNS servers (not supported).' },
    DomainName: { type: 'string', description: 'Domain name (not supported).' },
    Tags: TAGS_FIELD,
    EnableRouteVpcPublish: { type: 'boolean', description: 'Not supported.' },
    EnableRouteVpcPublishIpv6: { type: 'boolean', description: 'Not supported.' },
  },
  async handle(ctx, req) {
    checkName(req.VpcName, 'VpcName');
    refuseTags(req.Tags);
    if (req.EnableMulticast === 'true' || (req.DnsServers?.length ?? 0) > 0 || req.DomainName || req.EnableRouteVpcPublish || req.EnableRouteVpcPublishIpv6)
      throw new ApiError('UnsupportedOperation', 'Multicast, DNS servers, domain names and route publishing are not supported by pgcloud; leave them out.');
    const cidr = parseCidr4(req.CidrBlock);
    if (!cidr) throw new ApiError('InvalidParameterValue.Malformed', `CidrBlock "${req.CidrBlock}" is not a CIDR block with its host bits zero (e.g. 10.0.0.0/16).`);
    if (!PRIVATE_RANGES.some((r) => cidrContains(r, cidr)) || cidr.bits > 28 || cidr.bits < 12)
      throw new ApiError('InvalidParameterValue.Range', `CidrBlock ${req.CidrBlock} must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a mask of /12 (/16 for 192.168) to /28.`);
    const now = ctx.clock.now().toISOString();
    const row = { id: newVpcId(), uin: ctx.account.uin, region: ctx.region, name: req.VpcName, cidr_block: formatCidr4(cidr), is_default: 0, created_at: now };
    await ctx.db.insertInto('vpcs').values(row).execute();
    return { Vpc: vpcView(row) };
  },
});
