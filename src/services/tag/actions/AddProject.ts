// AddProject: a project of the account (an existing name answers its project with IsNew 0).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { VERSION } from '../common.ts';

// The tag service's limit on the projects an account creates (its error code 1015).
const MAX_PROJECTS = 500;

export default defineAction<{ ProjectName: string; Info?: string }, { ProjectId: number; IsNew: number }>({
  service: 'tag',
  version: VERSION,
  name: 'AddProject',
  regionRequired: false,
  request: { ProjectName: { type: 'string', required: true, description: 'Project name, 1-200 characters.' }, Info: { type: 'string', description: 'Description, at most 1000 characters.' } },
  async handle(ctx, req) {
    if (!req.ProjectName.trim() || req.ProjectName.length > 200) throw new ApiError('InvalidParameter', 'ProjectName must be 1-200 characters.');
    if ((req.Info ?? '').length > 1000) throw new ApiError('InvalidParameter', 'Info is at most 1000 characters.');
    return ctx.db.transaction().execute(async (trx) => {
      const same = await trx.selectFrom('projects').select('id').where('uin', '=', ctx.account.uin).where('name', '=', req.ProjectName).executeTakeFirst();
      if (same) return { ProjectId: same.id, IsNew: 0 };
      const count = await trx.selectFrom('projects').select((eb) => eb.fn.countAll().as('n')).where('uin', '=', ctx.account.uin).executeTakeFirst();
      if (Number(count?.n ?? 0) >= MAX_PROJECTS) throw new ApiError('FailedOperation.ProjectNumExceed', `An account has at most ${MAX_PROJECTS} projects.`);
      const max = await trx.selectFrom('projects').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
      const id = Math.max(1000000, Number(max?.m ?? 0)) + 1;
      await trx.insertInto('projects').values({ id, uin: ctx.account.uin, name: req.ProjectName, info: req.Info ?? '', created_at: ctx.clock.now().toISOString() }).execute();
      return { ProjectId: id, IsNew: 1 };
    });
  },
});
