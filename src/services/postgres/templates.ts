// Finding the caller's parameter template.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { getTemplate, type TemplateRow } from '../../store/parameters.ts';

/**
 * An unknown TemplateId: the vendor documents no dedicated code, so the generic invalid-value code
 * (inferred), which the Terraform provider does not retry.
 */
export const templateGone = (id: string) => new ApiError('InvalidParameterValue.InvalidParameterValueError', `The parameter template ${id.slice(0, 64)} does not exist.`);

/** The caller's template in the request's region. */
export async function findTemplate(ctx: ActionContext, id: string): Promise<TemplateRow> {
  const t = id ? await getTemplate(ctx.db, ctx.account.uin, ctx.region, id) : undefined;
  if (!t) throw templateGone(id);
  return t;
}
