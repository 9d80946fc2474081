// ModifySecurityGroupPolicies: resets a security group's policies. Version "0" clears both directions
// (Ingress and Egress are then ignored); otherwise each direction given replaces that direction's
// policies in the order given (PolicyIndex is not taken: the order is the index), and a direction not
// given keeps its policies. Bound instances' pg_hba.conf follow within a second, as for every change.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import type { StoredPolicy } from '../../../store/vpc.ts';
import { POLICY_SET_FIELD, sameContent, toStoredPolicy, VERSION, type WirePolicy, type WirePolicySet } from '../common.ts';
import { changePolicies } from '../policies.ts';

interface Request {
  SecurityGroupId: string;
  SecurityGroupPolicySet: WirePolicySet;
  SortPolicys?: boolean;
}

export default defineAction<Request, Record<string, never>>({
  service: 'vpc',
  version: VERSION,
  name: 'ModifySecurityGroupPolicies',
  regionRequired: false,
  request: {
    SecurityGroupId: { type: 'string', required: true, description: 'Security group ID.' },
    SecurityGroupPolicySet: POLICY_SET_FIELD(true),
    SortPolicys: { type: 'boolean', description: 'Keep exactly the order given (pgcloud always does).' },
  },
  async handle(ctx, req) {
    const set = req.SecurityGroupPolicySet;
    const clear = set.Version === '0';
    const now = ctx.clock.now().toISOString();
    const convert = (policies: WirePolicy[] | undefined): StoredPolicy[] | undefined => {
      if (!policies?.length) return undefined;
      const stored = policies.map((p) => toStoredPolicy({ ...p, PolicyIndex: undefined }, now));
      for (const [i, p] of stored.entries())
        if (stored.slice(0, i).some((q) => sameContent(q, p))) throw new ApiError('UnsupportedOperation.DuplicatePolicy', `Policy ${p.Action} ${p.Protocol} ${p.Port} ${p.CidrBlock || p.Ipv6CidrBlock} is given twice.`);
      return stored;
    };
    const ingress = clear ? [] : convert(set.Ingress);
    const egress = clear ? [] : convert(set.Egress);
    if (!ingress && !egress) throw new ApiError('InvalidParameterValue.Empty', 'SecurityGroupPolicySet needs Ingress or Egress policies, or Version "0" to clear all policies.');
    await changePolicies(ctx, req.SecurityGroupId, undefined, (lists) => {
      if (ingress) lists.ingress = ingress;
      if (egress) lists.egress = egress;
    });
    return {};
  },
});
