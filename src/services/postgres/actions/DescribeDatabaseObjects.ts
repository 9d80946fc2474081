// DescribeDatabaseObjects: the objects of a type on the instance's server, as its catalog has them now
// (made through the API or by the tenant's SQL), in name order; Limit 0-100 (default 20), Offset.
import { defineAction } from '../../../core/action.ts';
import { findInstance } from '../lifecycle.ts';
import { pageOf } from '../paging.ts';
import { checkName, checkObjectType, onServer, serverOf } from '../privileges.ts';

interface Request {
  DBInstanceId: string;
  ObjectType: string;
  Limit?: number;
  Offset?: number;
  DatabaseName?: string;
  SchemaName?: string;
  TableName?: string;
}

export default defineAction<Request, { ObjectSet: string[]; TotalCount: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDatabaseObjects',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    ObjectType: { type: 'string', required: true, description: 'database, schema, sequence, procedure, type, function, table, view, matview or column.' },
    Limit: { type: 'integer', description: 'Page size, 0 to 100 (default 20).' },
    Offset: { type: 'integer', description: 'Offset from 0.' },
    DatabaseName: { type: 'string', description: 'Required unless ObjectType is database.' },
    SchemaName: { type: 'string', description: 'Required unless ObjectType is database or schema.' },
    TableName: { type: 'string', description: 'Required when ObjectType is column.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const type = checkObjectType(req.ObjectType);
    const { limit, offset } = pageOf(req, { default: 20, min: 0, max: 100 });
    const database = type === 'database' ? undefined : checkName(req.DatabaseName, 'DatabaseName');
    const schema = type === 'database' || type === 'schema' ? undefined : checkName(req.SchemaName, 'SchemaName');
    const table = type === 'column' ? checkName(req.TableName, 'TableName') : undefined;
    const { catalog, engineId } = await serverOf(ctx, row, 'DescribeDatabaseObjects');
    const { names, total } = await onServer(ctx, row, () => catalog.objects(engineId, { type, database, schema, table, limit, offset }));
    return { ObjectSet: names, TotalCount: total };
  },
});
