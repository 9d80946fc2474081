// DeleteParameterTemplate: a template is a set of values that ModifyDBInstanceParameters copied onto
// the instances it was applied to; nothing ties an instance to it afterwards, so deleting it changes
// no instance (their servers keep the values).
import { defineAction } from '../../../core/action.ts';
import { deleteTemplate } from '../../../store/parameters.ts';
import { findTemplate, templateGone } from '../templates.ts';

export default defineAction<{ TemplateId: string }, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DeleteParameterTemplate',
  request: {
    TemplateId: { type: 'string', required: true, description: 'Template ID.' },
  },
  async handle(ctx, req) {
    const t = await findTemplate(ctx, req.TemplateId);
    if (!(await deleteTemplate(ctx.db, t.id))) throw templateGone(t.id);
    ctx.log.info({ template: t.id }, 'parameter template deleted');
    return {};
  },
});
