// ModifyDBInstanceName: renames an instance (Terraform calls it right after every create).
import { defineAction } from '../../../core/action.ts';
import { checkInstanceName } from '../rules.ts';
import { findInstance } from '../lifecycle.ts';

export default defineAction<{ DBInstanceId: string; InstanceName: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstanceName',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    InstanceName: { type: 'string', required: true, description: 'New name: fewer than 60 letters, digits, Chinese characters, "_" and "-".' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    checkInstanceName(req.InstanceName, 'InstanceName');
    await ctx.db
      .updateTable('instances')
      .set({ name: req.InstanceName || 'Unnamed', updated_at: ctx.clock.now().toISOString() })
      .where('id', '=', row.id)
      .execute();
    return {};
  },
});
