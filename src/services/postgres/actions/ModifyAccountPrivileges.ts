// ModifyAccountPrivileges: GRANT/REVOKE on the instance's server, at once (the answer has no TaskId):
// grantObject and revokeObject (IsCascade: REVOKE ... CASCADE) on databases, schemas, tables, views,
// materialized views, sequences, columns, types and routines. Every object is checked first, so a
// request naming one that does not exist changes nothing. alterRole/grantRole/revokeRole: not yet.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import type { PrivilegeChange } from '../../../core/privileges.ts';
import { findInstance } from '../lifecycle.ts';
import { checkPrivileges, DATABASE_OBJECT_SCHEMA, objectRef, onServer, serverOf, type DatabaseObject } from '../privileges.ts';

interface Request {
  DBInstanceId: string;
  UserName: string;
  ModifyPrivilegeSet: Array<{ DatabasePrivilege?: { Object?: DatabaseObject; PrivilegeSet?: string[] }; ModifyType?: string; IsCascade?: boolean }>;
}

const MAX_CHANGES = 50;

export default defineAction<Request, Record<string, never>>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyAccountPrivileges',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    UserName: { type: 'string', required: true, description: 'The account whose privileges change.' },
    ModifyPrivilegeSet: {
      type: {
        array: {
          object: {
            DatabasePrivilege: {
              type: { object: { Object: { type: { object: DATABASE_OBJECT_SCHEMA }, description: 'The object.' }, PrivilegeSet: { type: { array: 'string' }, description: 'Privileges.' } } },
              description: 'The object and the privileges to grant or revoke.',
            },
            ModifyType: { type: 'string', description: 'grantObject or revokeObject (alterRole, grantRole, revokeRole: not supported yet).' },
            IsCascade: { type: 'boolean', description: 'revokeObject only: REVOKE ... CASCADE.' },
          },
        },
      },
      required: true,
      description: 'Up to 50 changes.',
    },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    if (!req.ModifyPrivilegeSet.length || req.ModifyPrivilegeSet.length > MAX_CHANGES)
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `ModifyPrivilegeSet must have 1 to ${MAX_CHANGES} entries (got ${req.ModifyPrivilegeSet.length}).`);
    const changes: PrivilegeChange[] = req.ModifyPrivilegeSet.map((m, i) => {
      const field = `ModifyPrivilegeSet.${i}`;
      const type = m.ModifyType ?? '';
      if (['alterRole', 'grantRole', 'revokeRole'].includes(type)) throw new ApiError('UnsupportedOperation', `${field}.ModifyType ${type} is not supported by pgcloud yet; use grantObject or revokeObject.`);
      if (type !== 'grantObject' && type !== 'revokeObject') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `${field}.ModifyType "${type}" is invalid; valid values: grantObject, revokeObject, alterRole, grantRole, revokeRole.`);
      if (!m.DatabasePrivilege?.Object) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `${field}.DatabasePrivilege.Object is required.`);
      const object = objectRef(m.DatabasePrivilege.Object, `${field}.DatabasePrivilege.Object`);
      const privileges = checkPrivileges(object.type, m.DatabasePrivilege.PrivilegeSet, `${field}.DatabasePrivilege.PrivilegeSet`);
      return { object, privileges, grant: type === 'grantObject', cascade: type === 'revokeObject' && m.IsCascade === true };
    });
    const { catalog, engineId, role } = await serverOf(ctx, row, 'ModifyAccountPrivileges', req.UserName);
    await onServer(ctx, row, () => catalog.changePrivileges(engineId, role, changes));
    ctx.log.info({ instance: row.id, account: role, changes: changes.length }, 'account privileges changed');
    return {};
  },
});
