// DescribeDatabases: the databases made through the API (Items: names; Databases: details).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { listDatabases } from '../../../store/lifecycle.ts';
import { findInstance } from '../lifecycle.ts';
import { pageOf } from '../paging.ts';

interface Request {
  DBInstanceId: string;
  Filters?: Array<{ Name?: string; Values?: string[] }>;
  Offset?: number;
  Limit?: number;
}

export default defineAction<Request, { Items: string[]; TotalCount: number; Databases: Record<string, unknown>[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDatabases',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    Filters: {
      type: { array: { object: { Name: { type: 'string', description: 'database-name.' }, Values: { type: { array: 'string' }, description: 'Values (fuzzy match).' } } } },
      description: 'Filters: database-name.',
    },
    Offset: { type: 'integer', description: 'Offset from 0.' },
    Limit: { type: 'integer', description: 'Page size, at most 100 (default 100).' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const { limit, offset } = pageOf(req, { default: 100, max: 100 });
    const filters = (req.Filters ?? []).map((f) => {
      if (f.Name !== 'database-name') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Filter "${f.Name ?? ''}" is not supported; valid names: database-name.`);
      return f.Values ?? [];
    });
    const rows = (await listDatabases(ctx.db, row.id)).filter((d) => d.status !== 'deleting' && filters.every((vs) => vs.some((v) => d.name.includes(v))));
    const page = rows.slice(offset, offset + limit);
    return {
      Items: page.map((d) => d.name),
      TotalCount: rows.length,
      Databases: page.map((d) => ({
        DatabaseName: d.name,
        DatabaseOwner: d.owner,
        Encoding: d.encoding || row.charset,
        Collate: d.collate || 'C',
        Ctype: d.ctype || 'C',
        AllowConn: true,
        ConnLimit: -1,
        Privileges: '',
      })),
    };
  },
});
