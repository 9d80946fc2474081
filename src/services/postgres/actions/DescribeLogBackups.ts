// DescribeLogBackups: the archived WAL files of the account's instances in the region (each one a log
// backup), filtered, ordered and paged as the SDK's model gives them.
import { defineAction } from '../../../core/action.ts';
import { LIST_REQUEST_SCHEMA, listBackups, logBackupView, type ListRequest } from '../backups.ts';

export default defineAction<ListRequest, { TotalCount: number; LogBackupSet: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeLogBackups',
  request: { ...LIST_REQUEST_SCHEMA, Filters: { ...LIST_REQUEST_SCHEMA.Filters, description: 'db-instance-id, db-instance-name, db-instance-ip, db-instance-status.' } },
  async handle(ctx, req) {
    const { total, page } = await listBackups(
      ctx,
      req,
      async (ids) => {
        if (!ids.length) return [];
        const instances = new Map((await ctx.db.selectFrom('instances').selectAll().where('id', 'in', ids).execute()).map((i) => [i.id, i]));
        const rows = await ctx.db.selectFrom('log_backups').selectAll().where('instance_id', 'in', ids).execute();
        return rows.map((l) => ({ row: l, instance: instances.get(l.instance_id)!, id: l.id, start: l.finish_time, finish: l.finish_time, size: l.size }));
      },
      false,
    );
    return { TotalCount: total, LogBackupSet: page.map((p) => logBackupView(p.row)) };
  },
});
