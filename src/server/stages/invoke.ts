// Stage 7, the action's handler, with its context.
import type { ActionContext, ActionDefinition } from '../../core/action.ts';

export async function invoke(def: ActionDefinition, ctx: ActionContext, req: unknown): Promise<Record<string, unknown>> {
  const res = await def.handle(ctx, req);
  if (typeof res !== 'object' || res === null || Array.isArray(res)) throw new Error(`${def.service}/${def.name} returned ${typeof res}, not an object`);
  return res;
}
