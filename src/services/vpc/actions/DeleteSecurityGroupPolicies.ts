// DeleteSecurityGroupPolicies: by PolicyIndex, or by content (Protocol, Port, CidrBlock, Action).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { direction, POLICY_SET_FIELD, sameContent, toStoredPolicy, VERSION, type WirePolicySet } from '../common.ts';
import { changePolicies } from '../policies.ts';

export default defineAction<{ SecurityGroupId: string; SecurityGroupPolicySet: WirePolicySet }, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'DeleteSecurityGroupPolicies',
  regionRequired: false,
  request: { SecurityGroupId: { type: 'string', required: true, description: 'Security group ID.' }, SecurityGroupPolicySet: POLICY_SET_FIELD(true) },
  async handle(ctx, req) {
    const { key, policies } = direction(req.SecurityGroupPolicySet);
    const byIndex = policies.every((p) => p.PolicyIndex !== undefined);
    if (!byIndex && policies.some((p) => p.PolicyIndex !== undefined)) throw new ApiError('InvalidParameter', 'Delete either by PolicyIndex or by policy content, not both in one call.');
    const now = ctx.clock.now().toISOString();
    const byContent = byIndex ? [] : policies.map((p) => toStoredPolicy(p, now));
    await changePolicies(ctx, req.SecurityGroupId, req.SecurityGroupPolicySet.Version, (lists) => {
      const list = lists[key];
      if (byIndex) {
        const indexes = [...new Set(policies.map((p) => p.PolicyIndex!))].sort((a, b) => b - a);
        for (const i of indexes) if (i < 0 || i >= list.length) throw new ApiError('InvalidParameterValue.Range', `PolicyIndex ${i} does not exist: the group has ${list.length} ${key} policies.`);
        for (const i of indexes) list.splice(i, 1);
      } else {
        for (const wanted of byContent) {
          const i = list.findIndex((p) => sameContent(p, wanted));
          if (i < 0) throw new ApiError('ResourceNotFound', `No ${key} policy ${wanted.Action} ${wanted.Protocol} ${wanted.Port} ${wanted.CidrBlock || wanted.Ipv6CidrBlock} in the group.`);
          list.splice(i, 1);
        }
      }
    });
    return {};
  },
});
