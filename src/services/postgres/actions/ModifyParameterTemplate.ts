// ModifyParameterTemplate: renames or redescribes a template, and adds, changes (ModifyParamEntrySet)
// or removes (DeleteParamSet) its parameters; each value is checked for the template's major as
// ModifyDBInstanceParameters checks it, and kept as given.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { forSpec, parameter } from '../../../core/catalog/parameters.ts';
import { getTemplate, updateTemplate } from '../../../store/parameters.ts';
import { findTemplate, templateGone } from '../templates.ts';
import { checkChanges, checkTemplateText, requireParameter } from '../parameters.ts';

interface Request {
  TemplateId: string;
  TemplateName?: string;
  TemplateDescription?: string;
  ModifyParamEntrySet?: Array<{ Name: string; ExpectedValue: string }>;
  DeleteParamSet?: string[];
}

export default defineAction<Request, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyParameterTemplate',
  request: {
    TemplateId: { type: 'string', required: true, description: 'Template ID.' },
    TemplateName: { type: 'string', description: 'New name; kept when empty.' },
    TemplateDescription: { type: 'string', description: 'New description; kept when absent.' },
    ModifyParamEntrySet: {
      type: { array: { object: { Name: { type: 'string', required: true, description: 'Parameter name.' }, ExpectedValue: { type: 'string', required: true, description: 'Value, as a string.' } } } },
      description: 'Parameters to add or change.',
    },
    DeleteParamSet: { type: { array: 'string' }, description: 'Parameters to remove.' },
  },
  async handle(ctx, req) {
    const t = await findTemplate(ctx, req.TemplateId);
    if (req.TemplateName) checkTemplateText('TemplateName', req.TemplateName);
    if (req.TemplateDescription !== undefined) checkTemplateText('TemplateDescription', req.TemplateDescription);
    // Spec-related ranges: those of the largest spec (a template is for any instance of its major).
    const largest = ctx.catalog.specs.reduce((a, b) => (b.Memory > a.Memory ? b : a));
    const changes = checkChanges(t.db_major_version, req.ModifyParamEntrySet ?? [], (n) => {
      const p = parameter(t.db_major_version, n);
      return p && forSpec(p, { memoryMb: largest.Memory, cpu: largest.CPU });
    });
    const deletes = req.DeleteParamSet ?? [];
    for (const name of deletes) {
      requireParameter(t.db_major_version, name);
      if (changes.some((c) => c.entry.name === name))
        throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Parameter ${name} cannot be both in ModifyParamEntrySet and in DeleteParamSet.`);
    }
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      // Read again in the transaction: concurrent modifications of one template each keep the other's.
      const current = await getTemplate(trx, t.uin, t.region, t.id);
      if (!current) throw templateGone(t.id);
      const params = JSON.parse(current.params) as Record<string, string>;
      for (const c of changes) params[c.entry.name] = c.given;
      for (const name of deletes) delete params[name];
      const ok = await updateTemplate(trx, t.id, {
        ...(req.TemplateName ? { name: req.TemplateName } : {}),
        ...(req.TemplateDescription !== undefined ? { description: req.TemplateDescription } : {}),
        params: JSON.stringify(params),
        updated_at: now,
      });
      if (!ok) throw templateGone(t.id);
    });
    return {};
  },
});
