// Object privileges of an instance's accounts (ModifyAccountPrivileges, DescribeAccountPrivileges,
// DescribeDatabaseObjects): the object types and the privileges each takes, as PostgreSQL has them,
// and the port through which actions read and change them on the running server. The port is live
// (the real catalog, at the time of the request) because the objects are made by the tenant's own SQL:
// no stored copy could know them. Only these reads and GRANT/REVOKE pass through it; everything else
// an action wants done on a server goes through the store and the reconciler.

export const OBJECT_TYPES = ['database', 'schema', 'table', 'view', 'matview', 'sequence', 'column', 'type', 'function', 'procedure'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

const TABLE = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
/** The privileges GRANT takes on each object type (PostgreSQL's names). */
export const PRIVILEGES: Record<ObjectType, readonly string[]> = {
  database: ['CREATE', 'CONNECT', 'TEMPORARY'],
  schema: ['CREATE', 'USAGE'],
  table: TABLE,
  view: TABLE,
  matview: TABLE,
  sequence: ['SELECT', 'UPDATE', 'USAGE'],
  column: ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'],
  type: ['USAGE'],
  function: ['EXECUTE'],
  procedure: ['EXECUTE'],
};

/** A database object named as the API names it (see DatabaseObject). */
export interface ObjectRef {
  type: ObjectType;
  name: string;
  /** Required for every type but database. */
  database?: string;
  /** Required for every type but database and schema. */
  schema?: string;
  /** The table of a column. */
  table?: string;
}

export interface PrivilegeChange {
  object: ObjectRef;
  privileges: string[];
  grant: boolean;
  /** REVOKE ... CASCADE (revokes what the role granted on from it too). */
  cascade: boolean;
}

export interface ObjectsQuery {
  type: ObjectType;
  database?: string;
  schema?: string;
  table?: string;
  limit: number;
  offset: number;
}

/** An object (or the database it is in) that the server does not have. */
export class MissingObjectError extends Error {}

/** What actions may ask of an instance's running (primary) server, by its engine id. */
export interface InstanceCatalog {
  /** The privileges the role holds on each object (directly, through PUBLIC or a role, or as owner). */
  privileges(engineId: string, role: string, objects: ObjectRef[]): Promise<string[][]>;
  /** GRANT/REVOKE, each database's changes in one transaction; every object is checked before any change. */
  changePrivileges(engineId: string, role: string, changes: PrivilegeChange[]): Promise<void>;
  /** The names of the objects of a type, in name order, one page of them, and how many there are. */
  objects(engineId: string, query: ObjectsQuery): Promise<{ names: string[]; total: number }>;
}
