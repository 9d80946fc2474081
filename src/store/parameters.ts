// Queries of parameters: the settings each server last ran with (written by the reconciler, read by
// DescribeDBInstanceParameters) and the accounts' parameter templates.
import type { Kysely, Selectable } from 'kysely';
import type { Database, ParameterTemplatesTable } from './schema.ts';

export type TemplateRow = Selectable<ParameterTemplatesTable>;

/** Stores the server's settings as just read (name → value), replacing the previous reading. */
export async function saveSettings(db: Kysely<Database>, instanceId: string, settings: Record<string, string>, startedAt: string, now: string): Promise<void> {
  const row = { settings: JSON.stringify(settings), started_at: startedAt, observed_at: now };
  await db
    .insertInto('instance_settings')
    .values({ instance_id: instanceId, ...row })
    .onConflict((oc) => oc.column('instance_id').doUpdateSet(row))
    .execute();
}

export async function loadSettings(db: Kysely<Database>, instanceId: string): Promise<{ settings: Record<string, string>; startedAt: string; observedAt: string } | undefined> {
  const row = await db.selectFrom('instance_settings').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
  return row && { settings: JSON.parse(row.settings) as Record<string, string>, startedAt: row.started_at, observedAt: row.observed_at };
}

export async function deleteSettings(db: Kysely<Database>, instanceId: string): Promise<void> {
  await db.deleteFrom('instance_settings').where('instance_id', '=', instanceId).execute();
}

export async function insertTemplate(db: Kysely<Database>, t: Omit<TemplateRow, 'seq'>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const max = await trx.selectFrom('parameter_templates').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
    await trx.insertInto('parameter_templates').values({ ...t, seq: Number(max?.m ?? 0) + 1 }).execute();
  });
}

export async function getTemplate(db: Kysely<Database>, uin: string, region: string, id: string): Promise<TemplateRow | undefined> {
  return db.selectFrom('parameter_templates').selectAll().where('uin', '=', uin).where('region', '=', region).where('id', '=', id).executeTakeFirst();
}

export interface TemplateQuery {
  uin: string;
  region: string;
  /** Column → accepted values (any of them); every filter must match. */
  filters: Array<{ column: 'name' | 'id' | 'db_major_version' | 'db_engine'; values: string[] }>;
  /** Undefined: newest first. */
  orderBy?: 'created_at' | 'name' | 'db_major_version';
  desc: boolean;
  limit: number;
  offset: number;
}

export async function findTemplates(db: Kysely<Database>, q: TemplateQuery): Promise<{ total: number; rows: TemplateRow[] }> {
  // A filter without values matches nothing (and `IN ()` is no SQL).
  if (q.filters.some((f) => f.values.length === 0)) return { total: 0, rows: [] };
  let base = db.selectFrom('parameter_templates').where('uin', '=', q.uin).where('region', '=', q.region);
  for (const f of q.filters) base = base.where(f.column, 'in', f.values);
  const count = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  let rows = base.selectAll();
  rows = q.orderBy ? rows.orderBy(q.orderBy, q.desc ? 'desc' : 'asc').orderBy('seq', q.desc ? 'desc' : 'asc') : rows.orderBy('seq', 'desc');
  return { total: Number(count?.n ?? 0), rows: await rows.limit(q.limit).offset(q.offset).execute() };
}

/** Writes a template's new name, description or parameters; false when it no longer exists. */
export async function updateTemplate(db: Kysely<Database>, id: string, fields: Partial<Pick<TemplateRow, 'name' | 'description' | 'params' | 'updated_at'>>): Promise<boolean> {
  const res = await db.updateTable('parameter_templates').set(fields).where('id', '=', id).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function deleteTemplate(db: Kysely<Database>, id: string): Promise<boolean> {
  const res = await db.deleteFrom('parameter_templates').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}
