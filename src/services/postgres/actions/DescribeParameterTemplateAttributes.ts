// DescribeParameterTemplateAttributes: a template and its parameters, each with the value it sets
// (CurrentValue, as given) and the metadata of its major.
import { defineAction } from '../../../core/action.ts';
import { parametersFor } from '../../../core/catalog/parameters.ts';
import { findTemplate } from '../templates.ts';
import { checkMajor, paramInfo } from '../parameters.ts';

export default defineAction<{ TemplateId: string }, Record<string, unknown>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeParameterTemplateAttributes',
  request: {
    TemplateId: { type: 'string', required: true, description: 'Template ID.' },
  },
  async handle(ctx, req) {
    const t = await findTemplate(ctx, req.TemplateId);
    const values = JSON.parse(t.params) as Record<string, string>;
    const { kernelVersion } = checkMajor(ctx, t.db_major_version);
    const params = parametersFor(t.db_major_version).filter((p) => values[p.name] !== undefined);
    return {
      TemplateId: t.id,
      TotalCount: params.length,
      ParamInfoSet: params.map((p) => paramInfo(p, { current: values[p.name]!, lastModified: t.updated_at, kernelVersion })),
      TemplateName: t.name,
      DBMajorVersion: t.db_major_version,
      DBEngine: t.db_engine,
      TemplateDescription: t.description,
    };
  },
});
