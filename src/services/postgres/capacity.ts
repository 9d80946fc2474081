// What a pgcloud host cannot hold is refused up front, as the real service refuses a purchase it has
// no resources for (ResourceInsufficient.ResourceNotEnough), instead of taking the order and leaving
// an instance that can never be provisioned: disk space for the new servers, and (as root) system users
// for the new instances. Instances ordered but not provisioned yet count as already taken. Addresses
// and ports are not a limit: every instance gets its own loopback address, and a free port where the
// standard one is taken.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';

const MB = 1048576;

export async function checkHostCapacity(ctx: ActionContext, o: { major: string; instances: number; nodesEach: number }): Promise<void> {
  // A host that cannot be measured (an odd file system) is not a reason to refuse: provisioning says.
  const cap = await ctx.catalog.hostCapacity?.(o.major).catch((e) => void ctx.log.warn({ err: e }, 'could not measure the host for a new instance'));
  if (!cap) return;
  const pending = await ctx.db.selectFrom('instances').select(['ha']).where('desired_state', '=', 'running').where('status', 'in', ['applying', 'initing']).execute();
  const pendingNodes = pending.reduce((n, r) => n + (r.ha ? 2 : 1), 0);
  const nodes = o.instances * o.nodesEach;
  const needed = (nodes + pendingNodes) * cap.bytesPerNode;
  if (cap.freeBytes < needed)
    throw new ApiError(
      'ResourceInsufficient.ResourceNotEnough',
      `Not enough disk space on this pgcloud host for ${nodes} new PostgreSQL server(s)` +
        `${pendingNodes ? ` (and ${pendingNodes} still being provisioned)` : ''}: ${Math.floor(cap.freeBytes / MB)} MB free, ` +
        `${Math.ceil(needed / MB)} MB needed (${Math.ceil(cap.bytesPerNode / MB)} MB each). Free some space or destroy instances.`,
    );
  if (cap.freeUsers !== undefined && cap.freeUsers < o.instances + pending.length)
    throw new ApiError(
      'ResourceInsufficient.ResourceNotEnough',
      `No more system users can be made on this pgcloud host for ${o.instances} new instance(s) (each runs as a user of its own): ` +
        `${cap.freeUsers} left in the id range of instance users (PGCLOUD_UID_BASE, PGCLOUD_UID_COUNT). Destroy instances, or remove unused system users.`,
    );
}
