// DescribeRegions: the regions where TencentDB for PostgreSQL is sold, from the catalogue.
// Needs no region of its own (it is how a client finds one). Region names in the client's language.
import { defineAction } from '../../../core/action.ts';

export default defineAction({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeRegions',
  regionRequired: false,
  // A read of static catalogue data, cheap enough that clients (and the gateway benchmark) may
  // call it as often as they like.
  request: {},
  async handle(ctx) {
    const RegionSet = ctx.catalog.regions.map((r) => ({
      Region: r.Region,
      RegionName: ctx.language === 'zh-CN' && r.RegionNameZh ? r.RegionNameZh : r.RegionName,
      RegionId: r.RegionId,
      RegionState: r.RegionState,
      SupportInternational: r.SupportInternational,
    }));
    return { TotalCount: RegionSet.length, RegionSet };
  },
});
