// Shared parts of ModifyAccountPrivileges, DescribeAccountPrivileges and DescribeDatabaseObjects: the
// DatabaseObject model checked and turned into an ObjectRef, the privilege names checked against the
// object type, and the instance's server reached through the InstanceCatalog port.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { MissingObjectError, OBJECT_TYPES, PRIVILEGES, type InstanceCatalog, type ObjectRef, type ObjectType } from '../../core/privileges.ts';
import type { InstanceRow } from '../../store/instances.ts';
import { primaryEngineId } from '../../store/ha.ts';
import { findAccount } from './accounts.ts';
import { requireStatus, SETTLED } from './lifecycle.ts';

export interface DatabaseObject {
  ObjectType: string;
  ObjectName: string;
  DatabaseName?: string;
  SchemaName?: string;
  TableName?: string;
}

export const DATABASE_OBJECT_SCHEMA = {
  ObjectType: { type: 'string', required: true, description: 'database, schema, table, view, matview, sequence, column, type, function or procedure.' },
  ObjectName: { type: 'string', required: true, description: 'Object name (a routine as name or name(argument types)).' },
  DatabaseName: { type: 'string', description: 'Its database: required unless ObjectType is database.' },
  SchemaName: { type: 'string', description: 'Its schema: required unless ObjectType is database or schema.' },
  TableName: { type: 'string', description: 'Its table: required when ObjectType is column.' },
} as const;

const invalid = (message: string) => new ApiError('InvalidParameterValue.InvalidParameterValueError', message);

/** A PostgreSQL identifier as given: 1 to 63 bytes, no NUL (quoting makes any other character safe). */
export function checkName(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw invalid(`${field} is required for this ObjectType.`);
  if (Buffer.byteLength(value) > 63 || value.includes('\0')) throw invalid(`${field} "${value.slice(0, 80)}" is not a valid name: 1 to 63 bytes, no NUL.`);
  return value;
}

export function checkObjectType(t: string, field = 'ObjectType'): ObjectType {
  if (t === 'account') throw new ApiError('UnsupportedOperation', `${field} account (role membership) is not supported by pgcloud yet.`);
  if (!(OBJECT_TYPES as readonly string[]).includes(t)) throw invalid(`${field} "${t}" is invalid; valid values: ${OBJECT_TYPES.join(', ')}.`);
  return t as ObjectType;
}

export function objectRef(o: DatabaseObject, field: string): ObjectRef {
  const type = checkObjectType(o.ObjectType, `${field}.ObjectType`);
  // A routine's name may carry its argument types: "f(integer, text)".
  const name = type === 'function' || type === 'procedure' ? checkRoutineName(o.ObjectName, `${field}.ObjectName`) : checkName(o.ObjectName, `${field}.ObjectName`);
  if (type === 'database') return { type, name };
  const database = checkName(o.DatabaseName, `${field}.DatabaseName`);
  if (type === 'schema') return { type, name, database };
  const schema = checkName(o.SchemaName, `${field}.SchemaName`);
  if (type !== 'column') return { type, name, database, schema };
  return { type, name, database, schema, table: checkName(o.TableName, `${field}.TableName`) };
}

function checkRoutineName(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw invalid(`${field} is required.`);
  if (Buffer.byteLength(value) > 1000 || value.includes('\0')) throw invalid(`${field} is not a valid routine name.`);
  return value;
}

/** The privilege names for the type, upper-cased, each once; InvalidParameterValue for any other. */
export function checkPrivileges(type: ObjectType, given: string[] | undefined, field: string): string[] {
  if (!given?.length) throw invalid(`${field} must name at least one privilege; valid for ${type}: ${PRIVILEGES[type].join(', ')}.`);
  const out: string[] = [];
  for (const g of given) {
    const p = String(g).toUpperCase();
    if (!PRIVILEGES[type].includes(p)) throw invalid(`${field}: "${String(g).slice(0, 40)}" is not a privilege of a ${type}; valid values: ${PRIVILEGES[type].join(', ')}.`);
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** The instance's server, the account's role on it, and the port to reach it. */
export async function serverOf(ctx: ActionContext, row: InstanceRow, action: string, userName?: string): Promise<{ catalog: InstanceCatalog; engineId: string; role: string }> {
  requireStatus(row, SETTLED, action);
  if (!ctx.instanceCatalog) throw new ApiError('UnsupportedOperation', `${action} needs the instance's server, which this pgcloud process does not run.`);
  let role = '';
  if (userName !== undefined) {
    const a = await findAccount(ctx, row, userName);
    if (a.status === 1) throw new ApiError('OperationDenied.InstanceStatusLimitOpError', `The account ${a.name} is still being created.`);
    role = a.name;
  }
  return { catalog: ctx.instanceCatalog, engineId: primaryEngineId(row), role };
}

/** Runs a call on the server: a missing object is the client's InvalidParameterValue, anything else FailedOperation. */
export async function onServer<T>(ctx: ActionContext, row: InstanceRow, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e: any) {
    if (e instanceof MissingObjectError) throw invalid(e.message);
    if (e instanceof ApiError) throw e;
    ctx.log.warn({ instance: row.id, err: String(e?.message ?? e) }, 'privilege operation on the server failed');
    throw new ApiError('FailedOperation.DatabaseAffectedError', `The operation on instance ${row.id}'s server failed: ${String(e?.message ?? e).slice(0, 200)}`);
  }
}
