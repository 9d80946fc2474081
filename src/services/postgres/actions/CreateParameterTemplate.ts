// CreateParameterTemplate: an empty template of a major (parameters are added with
// ModifyParameterTemplate, as the Terraform provider does right after creating one).
import { randomUUID } from 'node:crypto';
import { defineAction } from '../../../core/action.ts';
import { insertTemplate } from '../../../store/parameters.ts';
import { checkEngine, checkMajor, checkTemplateText } from '../parameters.ts';

interface Request {
  TemplateName: string;
  DBMajorVersion: string;
  DBEngine: string;
  TemplateDescription?: string;
}

export default defineAction<Request, { TemplateId: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'CreateParameterTemplate',
  request: {
    TemplateName: { type: 'string', required: true, description: '1-60 digits, letters, Chinese characters and _-./()（）[]+=：:@.' },
    DBMajorVersion: { type: 'string', required: true, description: 'Major version, e.g. 13.' },
    DBEngine: { type: 'string', required: true, description: 'postgresql or mssql_compatible.' },
    TemplateDescription: { type: 'string', description: '0-60 characters, as TemplateName.' },
  },
  async handle(ctx, req) {
    checkTemplateText('TemplateName', req.TemplateName);
    checkTemplateText('TemplateDescription', req.TemplateDescription ?? '');
    checkEngine(req.DBEngine);
    checkMajor(ctx, req.DBMajorVersion);
    const now = ctx.clock.now().toISOString();
    const id = randomUUID();
    await insertTemplate(ctx.db, {
      id, uin: ctx.account.uin, region: ctx.region, name: req.TemplateName, description: req.TemplateDescription ?? '',
      db_major_version: req.DBMajorVersion, db_engine: req.DBEngine, params: '{}', created_at: now, updated_at: now,
    });
    ctx.log.info({ template: id, major: req.DBMajorVersion }, 'parameter template created');
    return { TemplateId: id };
  },
});
