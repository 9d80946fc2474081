// DescribeAccounts: the instance's accounts, the admin account (tencentDBSuper) among them; Terraform
// takes Details[0] of OrderBy createTime asc as the root account.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { ensureAdminAccount, listAccounts, type AccountRow } from '../../../store/lifecycle.ts';
import { findInstance } from '../lifecycle.ts';
import { accountInfo } from '../accounts.ts';
import { pageOf } from '../paging.ts';

interface Request {
  DBInstanceId: string;
  Limit?: number;
  Offset?: number;
  OrderBy?: string;
  OrderByType?: string;
}

const KEYS: Record<string, (a: AccountRow) => string> = {
  createTime: (a) => a.created_at,
  name: (a) => a.name,
  updateTime: (a) => a.updated_at,
};

export default defineAction<Request, { TotalCount: number; Details: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeAccounts',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    Limit: { type: 'integer', description: 'Page size 1-100, default 10.' },
    Offset: { type: 'integer', description: 'Offset from 0.' },
    OrderBy: { type: 'string', description: 'createTime (default), name or updateTime.' },
    OrderByType: { type: 'string', description: 'desc (default) or asc.' },
  },
  async handle(ctx, req) {
    if (!req.DBInstanceId)
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'The DBInstanceId parameter value is invalid and should meet the rule: (0,INF)');
    const row = await findInstance(ctx, req.DBInstanceId);
    const { limit, offset } = pageOf(req, { default: 10, max: 100 });
    const key = KEYS[req.OrderBy ?? 'createTime'];
    if (!key) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderBy "${req.OrderBy}" is invalid; valid values: createTime, name, updateTime.`);
    const dir = (req.OrderByType ?? 'desc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `OrderByType "${req.OrderByType}" is invalid; valid values: asc, desc.`);
    // A read-only instance has its master's roles (replicated): the master's accounts, under its own ID.
    const source = row.master_id ? await findInstance(ctx, row.master_id) : row;
    await ensureAdminAccount(ctx.db, source);
    const rows = (await listAccounts(ctx.db, source.id)).map((a) => ({ ...a, instance_id: row.id }));
    rows.sort((a, b) => {
      const c = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      return dir === 'asc' ? c : -c;
    });
    return { TotalCount: rows.length, Details: rows.slice(offset, offset + limit).map(accountInfo) };
  },
});
