// Queries of an instance's life after creation: desired-state changes (each bumps the instance's
// generation so the reconciler applies it), tasks, accounts, databases and parameter events.
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database, InstanceAccountsTable, InstanceDatabasesTable, InstancesTable, ParamEventsTable, TasksTable } from './schema.ts';

export type TaskRow = Selectable<TasksTable>;
export type AccountRow = Selectable<InstanceAccountsTable>;
export type DatabaseRow = Selectable<InstanceDatabasesTable>;
export type ParamEventRow = Selectable<ParamEventsTable>;

/**
 * Changes an instance's desired state and bumps its generation, only while its status is one of
 * allowed (so two racing requests cannot both pass the status check). Returns the new generation, or
 * undefined when the status no longer allowed it.
 */
export async function changeInstance(
  db: Kysely<Database>,
  id: string,
  allowed: readonly string[] | undefined,
  fields: Updateable<InstancesTable>,
): Promise<number | undefined> {
  let q = db
    .updateTable('instances')
    .set((eb) => ({ ...fields, generation: eb('generation', '+', 1) }))
    .where('id', '=', id)
    .where('desired_state', '!=', 'destroyed');
  if (allowed) q = q.where('status', 'in', allowed as string[]);
  const res = await q.executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return undefined;
  const row = await db.selectFrom('instances').select('generation').where('id', '=', id).executeTakeFirstOrThrow();
  return row.generation;
}

/** A task the instance's next settled generation completes; its ID is also the FlowId. */
export async function insertTask(db: Kysely<Database>, t: { uin: string; instanceId: string; type: string; generation: number; input: unknown; now: string }): Promise<number> {
  const max = await db.selectFrom('tasks').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
  const flows = await db.selectFrom('orders').select((eb) => eb.fn.max('flow_id').as('m')).executeTakeFirst();
  const id = Math.max(Number(max?.m ?? 0), Number(flows?.m ?? 0)) + 1;
  await db
    .insertInto('tasks')
    .values({ id, uin: t.uin, instance_id: t.instanceId, type: t.type, status: 'Running', progress: 0, generation: t.generation, input: JSON.stringify(t.input), message: '', started_at: t.now, ended_at: null })
    .execute();
  return id;
}

export interface TaskQuery {
  uin: string;
  taskId?: number;
  instanceId?: string;
  minStart?: string;
  maxStart?: string;
  orderBy: 'started_at' | 'ended_at';
  desc: boolean;
  limit: number;
  offset: number;
}

export async function findTasks(db: Kysely<Database>, q: TaskQuery): Promise<{ total: number; rows: TaskRow[] }> {
  let base = db.selectFrom('tasks').where('uin', '=', q.uin);
  if (q.taskId !== undefined) base = base.where('id', '=', q.taskId);
  if (q.instanceId !== undefined) base = base.where('instance_id', '=', q.instanceId);
  if (q.minStart !== undefined) base = base.where('started_at', '>=', q.minStart);
  if (q.maxStart !== undefined) base = base.where('started_at', '<=', q.maxStart);
  const count = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const rows = await base
    .selectAll()
    // Tasks still running have no ended_at: they sort first ascending and last descending (NULL is the
    // smallest value, SQLite's default, said explicitly because PostgreSQL's default is the opposite).
    .orderBy(q.orderBy, (ob) => (q.desc ? ob.desc().nullsLast() : ob.asc().nullsFirst()))
    .orderBy('id', q.desc ? 'desc' : 'asc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { total: Number(count?.n ?? 0), rows };
}

// Accounts.

export async function listAccounts(db: Kysely<Database>, instanceId: string): Promise<AccountRow[]> {
  return db.selectFrom('instance_accounts').selectAll().where('instance_id', '=', instanceId).execute();
}

export async function getAccount(db: Kysely<Database>, instanceId: string, name: string): Promise<AccountRow | undefined> {
  return db.selectFrom('instance_accounts').selectAll().where('instance_id', '=', instanceId).where('name', '=', name).executeTakeFirst();
}

/** The admin account's row, made on first use from the instance (it exists since the instance was created). */
export async function ensureAdminAccount(db: Kysely<Database>, inst: { id: string; admin_name: string; created_at: string }): Promise<void> {
  await db
    .insertInto('instance_accounts')
    .values({
      instance_id: inst.id, name: inst.admin_name, user_type: 'tencentDBSuper', remark: '', status: 2, verifier: null, locked: 0,
      revision: 0, applied_revision: 0, created_at: inst.created_at, updated_at: inst.created_at, password_updated_at: null,
    })
    .onConflict((oc) => oc.columns(['instance_id', 'name']).doNothing())
    .execute();
}

export async function insertAccount(db: Kysely<Database>, a: Omit<AccountRow, 'applied_revision' | 'revision'>): Promise<void> {
  await db.insertInto('instance_accounts').values({ ...a, revision: 1, applied_revision: 0 }).execute();
}

/** Changes an account; touchesServer bumps its revision so the reconciler applies it. */
export async function updateAccount(db: Kysely<Database>, instanceId: string, name: string, fields: Updateable<InstanceAccountsTable>, touchesServer: boolean): Promise<boolean> {
  const res = await db
    .updateTable('instance_accounts')
    .set((eb) => ({ ...fields, ...(touchesServer ? { revision: eb('revision', '+', 1) } : {}) }))
    .where('instance_id', '=', instanceId)
    .where('name', '=', name)
    .where('status', '!=', -1)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// Databases.

export async function listDatabases(db: Kysely<Database>, instanceId: string): Promise<DatabaseRow[]> {
  return db.selectFrom('instance_databases').selectAll().where('instance_id', '=', instanceId).orderBy('created_at').orderBy('name').execute();
}

export async function getDatabase(db: Kysely<Database>, instanceId: string, name: string): Promise<DatabaseRow | undefined> {
  return db.selectFrom('instance_databases').selectAll().where('instance_id', '=', instanceId).where('name', '=', name).executeTakeFirst();
}

export async function insertDatabase(db: Kysely<Database>, d: Omit<DatabaseRow, 'applied_revision' | 'revision'>): Promise<void> {
  await db.insertInto('instance_databases').values({ ...d, revision: 1, applied_revision: 0 }).execute();
}

export async function updateDatabase(db: Kysely<Database>, instanceId: string, name: string, fields: Updateable<InstanceDatabasesTable>): Promise<boolean> {
  const res = await db
    .updateTable('instance_databases')
    .set((eb) => ({ ...fields, revision: eb('revision', '+', 1) }))
    .where('instance_id', '=', instanceId)
    .where('name', '=', name)
    .where('status', '!=', 'deleting')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// Parameter events.

export async function insertParamEvents(db: Kysely<Database>, events: Array<Omit<ParamEventRow, 'id'>>): Promise<void> {
  if (!events.length) return;
  const max = await db.selectFrom('param_events').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
  let id = Number(max?.m ?? 0);
  await db.insertInto('param_events').values(events.map((e) => ({ ...e, id: ++id }))).execute();
}

export async function listParamEvents(db: Kysely<Database>, instanceId: string): Promise<ParamEventRow[]> {
  return db.selectFrom('param_events').selectAll().where('instance_id', '=', instanceId).orderBy('name').orderBy('id').execute();
}

/** Last modification time of each parameter of the instance. */
export async function paramLastModified(db: Kysely<Database>, instanceId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('param_events').select(['name', sql<string>`max(modified_at)`.as('t')]).where('instance_id', '=', instanceId).groupBy('name').execute();
  return new Map(rows.map((r) => [r.name, r.t]));
}
