// CreateSecurityGroup: an empty group (no policy: everything inbound is refused until policies are added),
// with its Tags (resource qcs::cvm:<region>:uin/:sg/<id>).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { newSecurityGroupId } from '../../../core/ids.ts';
import { projectExists } from '../../../store/projects.ts';
import { securityGroupView, VERSION } from '../common.ts';
import { bindVpcTags, checkVpcTags, securityGroupResource, TAGS_FIELD, type VpcTag } from '../tags.ts';

interface Request {
  GroupName: string;
  GroupDescription: string;
  ProjectId?: string;
  Tags?: VpcTag[];
}

export default defineAction<Request, { SecurityGroup: Record<string, unknown> }>({
  service: 'vpc',
  version: VERSION,
  name: 'CreateSecurityGroup',
  request: {
    GroupName: { type: 'string', required: true, description: 'Name, at most 60 characters.' },
    GroupDescription: { type: 'string', required: true, description: 'Description, at most 100 characters.' },
    ProjectId: { type: 'string', description: 'Project ID, default 0.' },
    Tags: TAGS_FIELD,
  },
  async handle(ctx, req) {
    if (!req.GroupName.trim() || req.GroupName.length > 60) throw new ApiError('InvalidParameterValue.TooLong', 'GroupName must be 1-60 characters.');
    if (req.GroupDescription.length > 100) throw new ApiError('InvalidParameterValue.TooLong', 'GroupDescription is at most 100 characters.');
    const tags = checkVpcTags(req.Tags);
    const projectId = req.ProjectId === undefined || req.ProjectId === '' ? 0 : Number(req.ProjectId);
    if (!Number.isInteger(projectId) || !(await projectExists(ctx.db, ctx.account.uin, projectId)))
      throw new ApiError('InvalidParameterValue.Range', `Project ${req.ProjectId} does not exist; see tag DescribeProjects.`);
    const now = ctx.clock.now().toISOString();
    const row = {
      id: newSecurityGroupId(), uin: ctx.account.uin, region: ctx.region, project_id: projectId, name: req.GroupName, description: req.GroupDescription,
      is_default: 0, ingress: '[]', egress: '[]', version: 0, created_at: now, updated_at: now,
    };
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('security_groups').values(row).execute();
      await bindVpcTags(trx, ctx, securityGroupResource(ctx.region, row.id), tags);
    });
    return { SecurityGroup: securityGroupView(row, tags) };
  },
});
