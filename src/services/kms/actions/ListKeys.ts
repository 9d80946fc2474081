// ListKeys: the keys of the region, oldest first; Role 0 the user's own, Role 1 those cloud products made.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { VERSION } from '../common.ts';

interface Request {
  Offset?: number;
  Limit?: number;
  Role?: number;
  HsmClusterId?: string;
}

export default defineAction<Request, { Keys: Array<{ KeyId: string }>; TotalCount: number }>({
  service: 'kms',
  version: VERSION,
  name: 'ListKeys',
  request: {
    Offset: { type: 'integer', description: 'Offset, default 0.' },
    Limit: { type: 'integer', description: 'Page size, default 10, at most 200.' },
    Role: { type: 'integer', description: '0 (default): keys you created; 1: keys cloud products created.' },
    HsmClusterId: { type: 'string', description: 'HSM cluster (none in pgcloud).' },
  },
  async handle(ctx, req) {
    const offset = req.Offset ?? 0;
    const limit = req.Limit ?? 10;
    if (offset < 0 || limit < 1 || limit > 200) throw new ApiError('InvalidParameterValue', 'Limit must be 1-200 and Offset not negative.');
    const role = req.Role ?? 0;
    if (role !== 0 && role !== 1) throw new ApiError('InvalidParameterValue', 'Role must be 0 or 1.');
    if (req.HsmClusterId) return { Keys: [], TotalCount: 0 };
    const rows = await ctx.db
      .selectFrom('kms_keys')
      .select('key_id')
      .where('uin', '=', ctx.account.uin)
      .where('region', '=', ctx.region)
      .where('owner', role === 0 ? '=' : '!=', 'user')
      .orderBy('created_at')
      .orderBy('key_id')
      .execute();
    return { Keys: rows.slice(offset, offset + limit).map((r) => ({ KeyId: r.key_id })), TotalCount: rows.length };
  },
});
