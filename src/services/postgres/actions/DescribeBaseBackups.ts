// DescribeBaseBackups: the account's base backup sets in the region, filtered, ordered and paged as
// the SDK's model gives them.
import { defineAction } from '../../../core/action.ts';
import { LIST_REQUEST_SCHEMA, baseBackupView, listBackups, type ListRequest } from '../backups.ts';

export default defineAction<ListRequest, { TotalCount: number; BaseBackupSet: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeBaseBackups',
  request: { ...LIST_REQUEST_SCHEMA },
  async handle(ctx, req) {
    const { total, page } = await listBackups(
      ctx,
      req,
      async (ids) => {
        if (!ids.length) return [];
        const instances = new Map((await ctx.db.selectFrom('instances').selectAll().where('id', 'in', ids).execute()).map((i) => [i.id, i]));
        // A deleted set is listed no more while the runner removes its files.
        const rows = await ctx.db.selectFrom('base_backups').selectAll().where('instance_id', 'in', ids).where('state', '!=', 'deleting').execute();
        return rows.map((b) => ({ row: b, instance: instances.get(b.instance_id)!, id: b.id, start: b.start_time ?? b.created_at, finish: b.finish_time, size: b.size }));
      },
      true,
    );
    return { TotalCount: total, BaseBackupSet: page.map((p) => baseBackupView(p.row)) };
  },
});
