// ModifyDBInstanceDeletionProtection: while on, IsolateDBInstances and DestroyDBInstance are refused.
import { defineAction } from '../../../core/action.ts';
import { findInstance } from '../lifecycle.ts';

export default defineAction<{ DBInstanceId: string; DeletionProtection: boolean }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstanceDeletionProtection',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    DeletionProtection: { type: 'boolean', required: true, description: 'true to enable deletion protection, false to disable it.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    await ctx.db
      .updateTable('instances')
      .set({ deletion_protection: req.DeletionProtection ? 1 : 0, updated_at: ctx.clock.now().toISOString() })
      .where('id', '=', row.id)
      .execute();
    return {};
  },
});
