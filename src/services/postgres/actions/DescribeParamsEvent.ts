// DescribeParamsEvent: the instance's parameter changes, grouped by parameter.
import { defineAction } from '../../../core/action.ts';
import { formatApiTime } from '../../../core/time.ts';
import { listParamEvents } from '../../../store/lifecycle.ts';
import { findInstance } from '../lifecycle.ts';

export default defineAction<{ DBInstanceId: string }, { TotalCount: number; EventItems: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeParamsEvent',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const events = await listParamEvents(ctx.db, row.id);
    const byName = new Map<string, typeof events>();
    for (const e of events) byName.set(e.name, [...(byName.get(e.name) ?? []), e]);
    const items = [...byName].map(([name, list]) => ({
      ParamName: name,
      EventCount: list.length,
      EventDetail: list.map((e) => ({
        ParamName: e.name,
        OldValue: e.old_value,
        NewValue: e.new_value,
        ModifyTime: formatApiTime(e.modified_at),
        EffectiveTime: formatApiTime(e.effective_at),
        State: e.state,
        Operator: e.operator,
        EventLog: e.state === 'success' ? 'applied' : 'waiting to be applied',
      })),
    }));
    return { TotalCount: items.length, EventItems: items };
  },
});
