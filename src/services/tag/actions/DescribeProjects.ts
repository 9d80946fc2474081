// DescribeProjects: the account's projects, the default project (0) first.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { VERSION } from '../common.ts';

interface Request {
  AllList: number;
  Limit: number;
  Offset: number;
  ProjectId?: number;
  ProjectName?: string;
}

export default defineAction<Request, { Total: number; Projects: Record<string, unknown>[] }>({
  service: 'tag',
  version: VERSION,
  name: 'DescribeProjects',
  regionRequired: false,
  request: {
    AllList: { type: 'integer', required: true, description: '1: include hidden projects.' },
    Limit: { type: 'integer', required: true, description: 'Page size, at most 1000.' },
    Offset: { type: 'integer', required: true, description: 'Offset.' },
    ProjectId: { type: 'integer', description: 'Only this project.' },
    ProjectName: { type: 'string', description: 'Only this project name.' },
  },
  async handle(ctx, req) {
    if (req.Limit < 1 || req.Limit > 1000 || req.Offset < 0) throw new ApiError('InvalidParameter', 'Limit must be 1-1000 and Offset not negative.');
    const uin = Number(ctx.account.uin);
    const stored = await ctx.db.selectFrom('projects').selectAll().where('uin', '=', ctx.account.uin).orderBy('id').execute();
    const accountCreated = await ctx.db.selectFrom('accounts').select('created_at').where('uin', '=', ctx.account.uin).executeTakeFirst();
    let all = [
      { ProjectId: 0, ProjectName: 'Default Project', CreatorUin: uin, ProjectInfo: '', CreateTime: formatApiTime(accountCreated?.created_at) },
      ...stored.map((p) => ({ ProjectId: p.id, ProjectName: p.name, CreatorUin: uin, ProjectInfo: p.info, CreateTime: formatApiTime(p.created_at) })),
    ];
    if (req.ProjectId !== undefined) all = all.filter((p) => p.ProjectId === req.ProjectId);
    if (req.ProjectName !== undefined) all = all.filter((p) => p.ProjectName === req.ProjectName);
    return { Total: all.length, Projects: all.slice(req.Offset, req.Offset + req.Limit) };
  },
});
