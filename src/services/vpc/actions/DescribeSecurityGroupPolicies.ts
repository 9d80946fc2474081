// DescribeSecurityGroupPolicies: a group's policies in order, with the set's version.
import { defineAction } from '../../../core/action.ts';
import type { StoredPolicy } from '../../../store/vpc.ts';
import { findSecurityGroup } from '../../../store/vpc.ts';
import { applyFilters, FILTERS_FIELD, notFound, policyView, VERSION, type Filter } from '../common.ts';

export default defineAction<{ SecurityGroupId: string; Filters?: Filter[] }, { SecurityGroupPolicySet: Record<string, unknown> }>({
  service: 'vpc',
  version: VERSION,
  name: 'DescribeSecurityGroupPolicies',
  request: { SecurityGroupId: { type: 'string', required: true, description: 'Security group ID.' }, Filters: FILTERS_FIELD },
  async handle(ctx, req) {
    const group = await findSecurityGroup(ctx.db, ctx.account.uin, req.SecurityGroupId);
    if (!group) throw notFound('Security group', req.SecurityGroupId);
    const shown = (list: StoredPolicy[], dir: 'INBOUND' | 'OUTBOUND') => {
      const indexed = list.map((p, i) => ({ p, i }));
      const kept = applyFilters(indexed, req.Filters, {
        'security-group-id': (_x, v) => v === group.id,
        ip: ({ p }, v) => p.CidrBlock.includes(v) || p.Ipv6CidrBlock.includes(v),
        'protocol-type': ({ p }, v) => p.Protocol === v.toUpperCase(),
        port: ({ p }, v) => v.toUpperCase() === 'ALL' || p.Port.includes(v),
        poly: ({ p }, v) => v.toUpperCase() === 'ALL' || p.Action === v.toUpperCase(),
        direction: (_x, v) => v.toUpperCase() === 'ALL' || v.toUpperCase() === dir,
        description: ({ p }, v) => p.PolicyDescription.includes(v),
      });
      return kept.map(({ p, i }) => policyView(p, i));
    };
    const ingress = JSON.parse(group.ingress) as StoredPolicy[];
    const egress = JSON.parse(group.egress) as StoredPolicy[];
    const count = (l: StoredPolicy[], v6: boolean) => l.filter((p) => (v6 ? p.Ipv6CidrBlock : p.CidrBlock)).length;
    return {
      SecurityGroupPolicySet: {
        Version: String(group.version),
        Ingress: shown(ingress, 'INBOUND'),
        Egress: shown(egress, 'OUTBOUND'),
        PolicyStatistics: { IngressIPv4TotalCount: count(ingress, false), IngressIPv6TotalCount: count(ingress, true), EgressIPv4TotalCount: count(egress, false), EgressIPv6TotalCount: count(egress, true) },
      },
    };
  },
});
