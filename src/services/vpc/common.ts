// Shared rules of the vpc service (2017-03-12): filters, paging, the Vpc/Subnet/SecurityGroup views,
// and security group policy validation. Field names are the SDK typings' (vpc_models.d.ts).
import type { ActionContext, FieldSpec, RequestSchema } from '../../core/action.ts';
import { ensureDefaultNetwork } from '../../store/networks.ts';
import { ApiError } from '../../core/errors.ts';
import { formatApiTime } from '../../core/time.ts';
import { parseCidr4, parseCidr6 } from '../../core/cidr.ts';
import type { StoredPolicy } from '../../store/vpc.ts';
import type { TagPair } from '../../core/tags.ts';
import { tagFilter, tagSetView } from './tags.ts';

export const VERSION = '2017-03-12';

export interface Filter {
  Name: string;
  Values: string[];
}

export const FILTERS_FIELD: FieldSpec = {
  type: { array: { object: { Name: { type: 'string', required: true, description: 'Filter name.' }, Values: { type: { array: 'string' }, required: true, description: 'Values, OR-ed.' } } } },
  description: 'Filters, AND-ed.',
};

export const PAGING: RequestSchema = {
  Offset: { type: 'string', description: 'Offset, default 0.' },
  Limit: { type: 'string', description: 'Page size, default 20, at most 100.' },
};

/** Offset/Limit as the vpc service takes them: decimal strings. */
export function paging(req: { Offset?: string; Limit?: string }): { offset: number; limit: number } {
  const offset = req.Offset === undefined || req.Offset === '' ? 0 : Number(req.Offset);
  const limit = req.Limit === undefined || req.Limit === '' ? 20 : Number(req.Limit);
  if (!Number.isInteger(offset) || offset < 0) throw new ApiError('InvalidParameterValue.Range', `Offset "${req.Offset}" must be a non-negative integer.`);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError('InvalidParameterValue.Range', `Limit "${req.Limit}" must be an integer from 1 to 100.`);
  return { offset, limit };
}

/**
 * Applies Filters (AND of ORs); unknown filter names are refused. With tagsOf, the tag filters
 * (tag-key, tag:<key>) test each row's tags.
 */
export function applyFilters<T>(
  rows: T[],
  filters: Filter[] | undefined,
  tests: Record<string, (row: T, value: string) => boolean>,
  tagsOf?: (row: T) => TagPair[],
): T[] {
  const fs = (filters ?? []).map((f) => {
    const byTag = tagsOf ? tagFilter(f.Name) : undefined;
    const test = tests[f.Name] ?? (byTag ? (row: T, v: string) => byTag(tagsOf!(row), v) : undefined);
    if (!test) throw new ApiError('InvalidParameter.FilterInvalidKey', `Filter "${f.Name}" is not supported; valid names: ${[...Object.keys(tests), ...(tagsOf ? ['tag-key', 'tag:<key>'] : [])].join(', ')}.`);
    return { test, values: f.Values };
  });
  return rows.filter((r) => fs.every((f) => f.values.some((v) => f.test(r, v))));
}

/** A "true"/"false" string flag of the vpc service (EnableMulticast, EnableBroadcast); absent is false. */
export function checkFlagString(value: string | undefined, field: string): boolean {
  if (value === undefined || value === '') return false;
  const v = value.toLowerCase();
  if (v !== 'true' && v !== 'false') throw new ApiError('InvalidParameterValue.Malformed', `${field} "${value}" must be "true" or "false".`);
  return v === 'true';
}

/** DnsServers: 1 to 4 IPv4 addresses, the first the primary. */
export function checkDnsServers(servers: string[]): string[] {
  if (servers.length > 4) throw new ApiError('InvalidParameterValue.LimitExceeded', `DnsServers takes at most 4 addresses (got ${servers.length}).`);
  for (const s of servers) {
    const c = parseCidr4(s, true);
    if (!c || c.bits !== 32 || s.includes('/')) throw new ApiError('InvalidParameterValue.Malformed', `DNS server "${s}" is not an IPv4 address.`);
  }
  return servers;
}

/** DomainName: a DNS domain name (or empty). */
export function checkDomainName(name: string): string {
  if (name !== '' && (name.length > 253 || !/^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/.test(name)))
    throw new ApiError('InvalidParameterValue.Malformed', `DomainName "${name}" is not a domain name.`);
  return name;
}

export const isTrue = (v: string): boolean => ['true', '1'].includes(v.toLowerCase());

export const notFound = (what: string, id: string): ApiError => new ApiError('ResourceNotFound', `${what} ${id} does not exist.`);

export const apiTime = formatApiTime;

type VpcRow = { id: string; name: string; cidr_block: string; is_default: number; created_at: string; dns_servers: string; domain_name: string; enable_multicast: number; route_vpc_publish: number; route_vpc_publish_ipv6: number };

export function vpcView(v: VpcRow, tags: TagPair[] | undefined): Record<string, unknown> {
  return {
    VpcName: v.name, VpcId: v.id, CidrBlock: v.cidr_block, IsDefault: v.is_default === 1, EnableMulticast: v.enable_multicast === 1, CreatedTime: apiTime(v.created_at),
    DnsServerSet: JSON.parse(v.dns_servers), DomainName: v.domain_name, DhcpOptionsId: '', EnableDhcp: true, Ipv6CidrBlock: '', TagSet: tagSetView(tags),
    AssistantCidrSet: [], EnableRouteVpcPublish: v.route_vpc_publish === 1, Ipv6CidrBlockSet: [], EnableRouteVpcPublishIpv6: v.route_vpc_publish_ipv6 === 1,
  };
}

export function subnetView(
  s: { id: string; vpc_id: string; name: string; cidr_block: string; is_default: number; zone: string; created_at: string; enable_broadcast: number; route_table_id: string | null },
  used: number,
  tags: TagPair[] | undefined,
): Record<string, unknown> {
  const size = parseCidr4(s.cidr_block, true)?.size ?? 0;
  return {
    VpcId: s.vpc_id, SubnetId: s.id, SubnetName: s.name, CidrBlock: s.cidr_block, IsDefault: s.is_default === 1, EnableBroadcast: s.enable_broadcast === 1,
    Zone: s.zone, RouteTableId: s.route_table_id ?? '', CreatedTime: apiTime(s.created_at), AvailableIpAddressCount: Math.max(0, size - 3 - used), Ipv6CidrBlock: '',
    NetworkAclId: '', IsRemoteVpcSnat: false, TotalIpAddressCount: size, TagSet: tagSetView(tags), CdcId: '', IsCdcSubnet: 0,
  };
}

export function securityGroupView(
  g: { id: string; name: string; description: string; project_id: number; is_default: number; created_at: string; updated_at: string },
  tags: TagPair[] | undefined,
): Record<string, unknown> {
  return {
    SecurityGroupId: g.id, SecurityGroupName: g.name, SecurityGroupDesc: g.description, ProjectId: String(g.project_id), IsDefault: g.is_default === 1,
    CreatedTime: apiTime(g.created_at), TagSet: tagSetView(tags), UpdateTime: apiTime(g.updated_at),
  };
}

// ---- security group policies --------------------------------------------------------------

export interface WirePolicy {
  PolicyIndex?: number;
  Protocol?: string;
  Port?: string;
  ServiceTemplate?: { ServiceId?: string; ServiceGroupId?: string };
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  SecurityGroupId?: string;
  AddressTemplate?: { AddressId?: string; AddressGroupId?: string };
  Action?: string;
  PolicyDescription?: string;
  ModifyTime?: string;
  Priority?: number;
}

export interface WirePolicySet {
  Version?: string;
  Egress?: WirePolicy[];
  Ingress?: WirePolicy[];
  PolicyStatistics?: Record<string, number>;
}

const POLICY_FIELDS: RequestSchema = {
  PolicyIndex: { type: 'integer', description: 'Index of the policy in its direction, from 0.' },
  Protocol: { type: 'string', description: 'TCP, UDP, ICMP, ICMPv6, GRE or ALL.' },
  Port: { type: 'string', description: 'ALL, a port, a range a-b, or a comma list.' },
  ServiceTemplate: { type: { object: { ServiceId: { type: 'string', description: 'Service template ID.' }, ServiceGroupId: { type: 'string', description: 'Service group ID.' } } }, description: 'Not supported.' },
  CidrBlock: { type: 'string', description: 'IPv4 source CIDR.' },
  Ipv6CidrBlock: { type: 'string', description: 'IPv6 source CIDR.' },
  SecurityGroupId: { type: 'string', description: 'Source security group (not supported).' },
  AddressTemplate: { type: { object: { AddressId: { type: 'string', description: 'Address template ID.' }, AddressGroupId: { type: 'string', description: 'Address group ID.' } } }, description: 'Not supported.' },
  Action: { type: 'string', description: 'ACCEPT or DROP.' },
  PolicyDescription: { type: 'string', description: 'Description.' },
  ModifyTime: { type: 'string', description: 'Ignored on input.' },
  Priority: { type: 'integer', description: 'Ignored.' },
};

export const POLICY_SET_FIELD = (required: boolean): FieldSpec => ({
  type: {
    object: {
      Version: { type: 'string', description: 'Policy version the change is based on.' },
      Egress: { type: { array: { object: POLICY_FIELDS } }, description: 'Outbound policies.' },
      Ingress: { type: { array: { object: POLICY_FIELDS } }, description: 'Inbound policies.' },
      PolicyStatistics: {
        type: { object: { IngressIPv4TotalCount: { type: 'integer', description: '' }, IngressIPv6TotalCount: { type: 'integer', description: '' }, EgressIPv4TotalCount: { type: 'integer', description: '' }, EgressIPv6TotalCount: { type: 'integer', description: '' } } },
        description: 'Ignored on input.',
      },
    },
  },
  required,
  description: 'Security group policy set.',
});

const PROTOCOLS = ['TCP', 'UDP', 'ICMP', 'ICMPV6', 'GRE', 'ALL'];

function checkPort(port: string): boolean {
  if (port.toUpperCase() === 'ALL') return true;
  return port.split(',').every((part) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part.trim());
    if (!m) return false;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    return lo >= 1 && hi <= 65535 && lo <= hi;
  });
}

/** Validates a policy from the wire and returns it as stored. */
export function toStoredPolicy(p: WirePolicy, now: string): StoredPolicy {
  if (p.ServiceTemplate?.ServiceId || p.ServiceTemplate?.ServiceGroupId || p.AddressTemplate?.AddressId || p.AddressTemplate?.AddressGroupId || p.SecurityGroupId)
    throw new ApiError('UnsupportedOperation', 'Templates and security-group sources in policies are not supported by pgcloud yet; give CidrBlock or Ipv6CidrBlock, Protocol and Port.');
  const protocol = (p.Protocol ?? 'ALL').toUpperCase();
  if (!PROTOCOLS.includes(protocol)) throw new ApiError('InvalidParameterValue.Range', `Protocol "${p.Protocol}" is invalid; valid values: TCP, UDP, ICMP, ICMPv6, GRE, ALL.`);
  let port = (p.Port ?? 'ALL').trim();
  if (port === '') port = 'ALL';
  if (!checkPort(port)) throw new ApiError('InvalidParameterValue.Range', `Port "${p.Port}" is invalid; give ALL, a port (1-65535), a range like 5000-6000, or a comma list.`);
  if ((protocol === 'ALL' || protocol === 'ICMP' || protocol === 'ICMPV6' || protocol === 'GRE') && port.toUpperCase() !== 'ALL')
    throw new ApiError('InvalidParameter.Coexist', `Port must be ALL when Protocol is ${protocol}.`);
  const action = (p.Action ?? '').toUpperCase();
  if (action !== 'ACCEPT' && action !== 'DROP') throw new ApiError('InvalidParameterValue.Range', `Action "${p.Action ?? ''}" is invalid; valid values: ACCEPT, DROP.`);
  const cidr = p.CidrBlock?.trim() ?? '';
  const cidr6 = p.Ipv6CidrBlock?.trim() ?? '';
  if (!cidr && !cidr6) throw new ApiError('MissingParameter', 'A policy needs CidrBlock or Ipv6CidrBlock.');
  if (cidr && cidr6) throw new ApiError('InvalidParameter.Coexist', 'A policy takes CidrBlock or Ipv6CidrBlock, not both.');
  if (cidr && !parseCidr4(cidr, true)) throw new ApiError('InvalidParameterValue.Malformed', `CidrBlock "${cidr}" is not an IPv4 address or CIDR.`);
  if (cidr6 && !parseCidr6(cidr6)) throw new ApiError('InvalidParameterValue.Malformed', `Ipv6CidrBlock "${cidr6}" is not an IPv6 address or CIDR.`);
  const description = p.PolicyDescription ?? '';
  if (description.length > 100) throw new ApiError('InvalidParameterValue.LimitExceeded', 'PolicyDescription is at most 100 characters.');
  return { Protocol: protocol, Port: port.toUpperCase() === 'ALL' ? 'ALL' : port, CidrBlock: cidr, Ipv6CidrBlock: cidr6, Action: action, PolicyDescription: description, ModifyTime: now };
}

/** SecurityGroupId is the policy's source group ("" for a CIDR policy, the only kind pgcloud takes), not its own group. */
export function policyView(p: StoredPolicy, index: number): Record<string, unknown> {
  return {
    PolicyIndex: index, Protocol: p.Protocol, Port: p.Port, ServiceTemplate: { ServiceId: '', ServiceGroupId: '' }, CidrBlock: p.CidrBlock,
    Ipv6CidrBlock: p.Ipv6CidrBlock, SecurityGroupId: '', AddressTemplate: { AddressId: '', AddressGroupId: '' }, Action: p.Action,
    PolicyDescription: p.PolicyDescription, ModifyTime: apiTime(p.ModifyTime), Priority: 0,
  };
}

/** Whether a wire policy names the stored one by content (DeleteSecurityGroupPolicies without PolicyIndex). */
export function sameContent(stored: StoredPolicy, wanted: StoredPolicy): boolean {
  return (
    stored.Protocol === wanted.Protocol && stored.Port === wanted.Port && stored.CidrBlock === wanted.CidrBlock &&
    stored.Ipv6CidrBlock === wanted.Ipv6CidrBlock && stored.Action === wanted.Action
  );
}

/** The one direction a policy set may carry per call. */
export function direction(set: WirePolicySet): { key: 'ingress' | 'egress'; policies: WirePolicy[] } {
  const ing = set.Ingress ?? [];
  const eg = set.Egress ?? [];
  if (ing.length && eg.length) throw new ApiError('InvalidParameter.Coexist', 'Give Ingress or Egress policies in one call, not both.');
  if (!ing.length && !eg.length) throw new ApiError('MissingParameter', 'SecurityGroupPolicySet needs Ingress or Egress policies.');
  return ing.length ? { key: 'ingress', policies: ing } : { key: 'egress', policies: eg };
}

/** The region's default VPC and default subnets of every zone, as CreateInstances makes them, so they are listed from the start. */
export async function ensureRegionDefaults(ctx: ActionContext): Promise<void> {
  const zones = ctx.catalog.zonesOf(ctx.region);
  if (zones.length === 0) return;
  const existing = await ctx.db.selectFrom('subnets').select('zone').where('uin', '=', ctx.account.uin).where('region', '=', ctx.region).where('is_default', '=', 1).execute();
  if (zones.every((z) => existing.some((e) => e.zone === z.Zone))) return;
  await ctx.db.transaction().execute(async (trx) => {
    for (const [i, z] of zones.entries()) await ensureDefaultNetwork(trx, ctx.account.uin, ctx.region, z.Zone, i);
  });
}
