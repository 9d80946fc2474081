// CreateSecurityGroupPolicies: adds policies of one direction; a policy with PolicyIndex is inserted
// before that index, one without is appended (after the group's existing policies).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { direction, POLICY_SET_FIELD, toStoredPolicy, VERSION, type WirePolicySet } from '../common.ts';
import { changePolicies } from '../policies.ts';

export default defineAction<{ SecurityGroupId: string; SecurityGroupPolicySet: WirePolicySet }, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'CreateSecurityGroupPolicies',
  regionRequired: false,
  request: { SecurityGroupId: { type: 'string', required: true, description: 'Security group ID.' }, SecurityGroupPolicySet: POLICY_SET_FIELD(true) },
  async handle(ctx, req) {
    const { key, policies } = direction(req.SecurityGroupPolicySet);
    const now = ctx.clock.now().toISOString();
    const stored = policies.map((p) => ({ index: p.PolicyIndex, policy: toStoredPolicy(p, now) }));
    await changePolicies(ctx, req.SecurityGroupId, req.SecurityGroupPolicySet.Version, (lists) => {
      const list = lists[key];
      for (const s of stored) {
        if (s.index === undefined) list.push(s.policy);
        else if (s.index < 0 || s.index > list.length)
          throw new ApiError('InvalidParameterValue.Range', `PolicyIndex ${s.index} is out of range: the group has ${list.length} ${key} policies.`);
        else list.splice(s.index, 0, s.policy);
      }
    });
    return {};
  },
});
