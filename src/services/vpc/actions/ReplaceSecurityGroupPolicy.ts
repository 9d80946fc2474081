// ReplaceSecurityGroupPolicy: replaces the one policy at PolicyIndex (of one direction); when
// OriginalSecurityGroupPolicySet is given, the policy there must still be that one.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { direction, POLICY_SET_FIELD, sameContent, toStoredPolicy, VERSION, type WirePolicySet } from '../common.ts';
import { changePolicies } from '../policies.ts';

interface Request {
  SecurityGroupId: string;
  SecurityGroupPolicySet: WirePolicySet;
  OriginalSecurityGroupPolicySet?: WirePolicySet;
}

export default defineAction<Request, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'ReplaceSecurityGroupPolicy',
  regionRequired: false,
  request: {
    SecurityGroupId: { type: 'string', required: true, description: 'Security group ID.' },
    SecurityGroupPolicySet: POLICY_SET_FIELD(true),
    OriginalSecurityGroupPolicySet: POLICY_SET_FIELD(false),
  },
  async handle(ctx, req) {
    const { key, policies } = direction(req.SecurityGroupPolicySet);
    if (policies.length !== 1) throw new ApiError('InvalidParameter', 'ReplaceSecurityGroupPolicy replaces exactly one policy.');
    const wanted = policies[0]!;
    if (wanted.PolicyIndex === undefined) throw new ApiError('MissingParameter', 'The policy to replace needs its PolicyIndex.');
    const now = ctx.clock.now().toISOString();
    const policy = toStoredPolicy(wanted, now);
    const original = req.OriginalSecurityGroupPolicySet ? direction(req.OriginalSecurityGroupPolicySet) : undefined;
    if (original && (original.key !== key || original.policies.length !== 1)) throw new ApiError('InvalidParameter', 'OriginalSecurityGroupPolicySet must name one policy of the same direction.');
    const originalPolicy = original ? toStoredPolicy(original.policies[0]!, now) : undefined;
    await changePolicies(ctx, req.SecurityGroupId, req.SecurityGroupPolicySet.Version, (lists) => {
      const list = lists[key];
      const i = wanted.PolicyIndex!;
      if (i < 0 || i >= list.length) throw new ApiError('InvalidParameterValue.Range', `PolicyIndex ${i} does not exist: the group has ${list.length} ${key} policies.`);
      if (originalPolicy && !sameContent(list[i]!, originalPolicy)) throw new ApiError('UnsupportedOperation.VersionMismatch', `The policy at index ${i} is no longer the original one given.`);
      list[i] = policy;
    });
    return {};
  },
});
