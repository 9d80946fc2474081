// Limit and Offset of the postgres Describe* actions, checked as the real service does
// (InvalidParameterValue.ParameterOutRangeError outside the documented range).
import { ApiError } from '../../core/errors.ts';

export interface PageRule {
  /** Limit when the request has none. */
  default: number;
  /** Smallest Limit accepted (1 unless the action documents 0). */
  min?: number;
  max: number;
  /** Limit 0 means the default (DescribeDBInstances). */
  zeroIsDefault?: boolean;
}

export function pageOf(req: { Limit?: number; Offset?: number }, rule: PageRule): { limit: number; offset: number } {
  const min = rule.min ?? 1;
  const limit = req.Limit === undefined || (rule.zeroIsDefault && req.Limit === 0) ? rule.default : req.Limit;
  if (limit < min || limit > rule.max) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `Limit must be between ${min} and ${rule.max} (got ${req.Limit}).`);
  const offset = req.Offset ?? 0;
  if (offset < 0) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `Offset must not be negative (got ${offset}).`);
  return { limit, offset };
}
