// DescribeAccountPrivileges: what the account holds on each object, read from the server's catalog
// (has_*_privilege: granted to it, to PUBLIC or to a role it is in, or as the owner).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { findInstance } from '../lifecycle.ts';
import { DATABASE_OBJECT_SCHEMA, objectRef, onServer, serverOf, type DatabaseObject } from '../privileges.ts';

interface Request {
  DBInstanceId: string;
  UserName: string;
  DatabaseObjectSet: DatabaseObject[];
}

const MAX_OBJECTS = 100;

export default defineAction<Request, { PrivilegeSet: Array<{ Object: DatabaseObject; PrivilegeSet: string[] }> }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeAccountPrivileges',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    UserName: { type: 'string', required: true, description: 'The account.' },
    DatabaseObjectSet: { type: { array: { object: DATABASE_OBJECT_SCHEMA } }, required: true, description: 'The objects to describe.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    if (!req.DatabaseObjectSet.length || req.DatabaseObjectSet.length > MAX_OBJECTS)
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `DatabaseObjectSet must have 1 to ${MAX_OBJECTS} entries (got ${req.DatabaseObjectSet.length}).`);
    const objects = req.DatabaseObjectSet.map((o, i) => objectRef(o, `DatabaseObjectSet.${i}`));
    const { catalog, engineId, role } = await serverOf(ctx, row, 'DescribeAccountPrivileges', req.UserName);
    const held = await onServer(ctx, row, () => catalog.privileges(engineId, role, objects));
    return {
      PrivilegeSet: objects.map((o, i) => ({
        Object: { ObjectType: o.type, ObjectName: o.name, DatabaseName: o.database ?? '', SchemaName: o.schema ?? '', TableName: o.table ?? '' },
        PrivilegeSet: held[i]!,
      })),
    };
  },
});
