// ModifyDBInstancesProject: moves instances to an existing project.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { getInstance } from '../../../store/instances.ts';
import { projectExists } from '../../../store/projects.ts';

export default defineAction<{ DBInstanceIdSet: string[]; ProjectId: string }, { Count: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstancesProject',
  request: {
    DBInstanceIdSet: { type: { array: 'string' }, required: true, description: 'Instance IDs.' },
    ProjectId: { type: 'string', required: true, description: 'The project to move them to.' },
  },
  async handle(ctx, req) {
    const projectId = Number(req.ProjectId);
    if (!/^\d+$/.test(req.ProjectId.trim()) || !(await projectExists(ctx.db, ctx.account.uin, projectId)))
      throw new ApiError('InvalidParameterValue.IllegalProjectId', `Project ${req.ProjectId} does not exist; see tag DescribeProjects.`);
    if (req.DBInstanceIdSet.length === 0) throw new ApiError('MissingParameter', 'DBInstanceIdSet is empty.');
    return ctx.db.transaction().execute(async (trx) => {
      for (const id of req.DBInstanceIdSet) {
        const row = await getInstance(trx, ctx.account.uin, id);
        if (!row || row.region !== ctx.region) throw new ApiError('ResourceNotFound.InstanceNotFoundError', `The instance ${id} does not exist.`);
      }
      await trx.updateTable('instances').set({ project_id: projectId, updated_at: ctx.clock.now().toISOString() }).where('id', 'in', req.DBInstanceIdSet).execute();
      return { Count: req.DBInstanceIdSet.length };
    });
  },
});
