// DescribeDefaultParameters: every parameter a major offers (what an instance or a template of that
// major may set), with its default; spec-related ones with the smallest spec's default and, in
// SpecRelationSet, the default and range of every spec memory size.
import { defineAction } from '../../../core/action.ts';
import { forSpec, parametersFor, specRelation } from '../../../core/catalog/parameters.ts';
import { checkEngine, checkMajor, paramInfo } from '../parameters.ts';

export default defineAction<{ DBMajorVersion: string; DBEngine: string }, { TotalCount: number; ParamInfoSet: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDefaultParameters',
  request: {
    DBMajorVersion: { type: 'string', required: true, description: 'Major version, e.g. 13.' },
    DBEngine: { type: 'string', required: true, description: 'postgresql or mssql_compatible.' },
  },
  async handle(ctx, req) {
    checkEngine(req.DBEngine);
    const { kernelVersion } = checkMajor(ctx, req.DBMajorVersion);
    const specs = ctx.catalog.specs.map((s) => ({ memoryMb: s.Memory, cpu: s.CPU }));
    const smallest = specs.reduce((a, b) => (b.memoryMb < a.memoryMb ? b : a));
    const params = parametersFor(req.DBMajorVersion);
    return {
      TotalCount: params.length,
      ParamInfoSet: params.map((p) => paramInfo(forSpec(p, smallest), { current: '', kernelVersion, specRelations: specRelation(p, specs) })),
    };
  },
});
