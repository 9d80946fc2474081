// Migration 008 (resource tags, route tables) on a store that holds data from before it: run the
// migrations before 008, write instances, tags, VPCs and subnets the way the earlier code did, run the
// rest, and check what became of them. Shared by the SQLite test (tag-migration.test.ts) and the
// PostgreSQL store test (store-postgres.test.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Kysely, type Migration } from 'kysely';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'store', 'migrations');

async function migrations(): Promise<Record<string, Migration>> {
  const out: Record<string, Migration> = {};
  for (const f of fs.readdirSync(dir).filter((f) => /^\d{3}_.+\.ts$/.test(f)).sort()) out[f.slice(0, -3)] = await import(pathToFileURL(path.join(dir, f)).href);
  return out;
}

export async function checkResourceTagsMigration(db: Kysely<any>): Promise<void> {
  const all = await migrations();
  const migrator = new Migrator({ db, provider: { getMigrations: async () => all } });
  const before = Object.keys(all).filter((n) => n < '008');
  const r1 = await migrator.migrateTo(before[before.length - 1]!);
  assert.equal(r1.error, undefined);

  const uin = '100000000001';
  const now = '2026-01-02T03:04:05.000Z';
  await db.insertInto('accounts').values({ uin, app_id: 1250000000, name: 'default', is_default: 1, created_at: now }).execute();
  await db.insertInto('vpcs').values({ id: 'vpc-aaaaaaaa', uin, region: 'ap-guangzhou', name: 'Default-VPC', cidr_block: '172.16.0.0/16', is_default: 1, created_at: now }).execute();
  await db.insertInto('subnets').values({ id: 'subnet-aaaaaaaa', uin, vpc_id: 'vpc-aaaaaaaa', region: 'ap-guangzhou', zone: 'ap-guangzhou-3', name: 'Default-Subnet', cidr_block: '172.16.0.0/20', is_default: 1, created_at: now }).execute();
  const instance = (id: string, tags: unknown[], desired = 'running') => ({
    id, uin, region: 'ap-guangzhou', zone: 'ap-guangzhou-3', name: id, status: desired === 'destroyed' ? 'isolated' : 'running', spec_code: 'cdb.pg.z1.2g', cpu: 1,
    memory_mb: 2048, storage_gb: 10, storage_type: 'CLOUD_SSD', db_engine: 'postgresql', db_version: '16.1', db_major_version: '16', db_kernel_version: 'v16.1_r1.0',
    charset: 'UTF8', admin_name: 'dbadmin', admin_verifier: 'x', charge_type: 'POSTPAID_BY_HOUR', period: 1, auto_renew: 0, project_id: 0, vpc_id: 'vpc-aaaaaaaa',
    subnet_id: 'subnet-aaaaaaaa', tags: JSON.stringify(tags), node_set: '[]', deletion_protection: 0, deal_name: `d-${id}`, desired_state: desired, created_at: now, updated_at: now,
  });
  await db.insertInto('instances').values([
    instance('postgres-tagged01', [{ TagKey: 'team', TagValue: 'data' }, { TagKey: 'env', TagValue: 'prod' }]),
    instance('postgres-plain001', []),
    instance('postgres-gone0001', [{ TagKey: 'old', TagValue: 'x' }], 'destroyed'),
  ]).execute();
  await db.insertInto('tag_catalog').values({ uin, tag_key: 'env', tag_value: 'prod', created_at: now }).execute();

  const r2 = await migrator.migrateToLatest();
  assert.equal(r2.error, undefined);

  const tags = await db.selectFrom('resource_tags').selectAll().orderBy('resource').orderBy('position').execute();
  assert.deepEqual(
    tags.map((t) => [t.resource, t.service, t.region, t.resource_prefix, t.resource_id, t.tag_key, t.tag_value, Number(t.position)]),
    [
      ['qcs::postgres:ap-guangzhou:uin/100000000001:DBInstanceId/postgres-tagged01', 'postgres', 'ap-guangzhou', 'DBInstanceId', 'postgres-tagged01', 'team', 'data', 0],
      ['qcs::postgres:ap-guangzhou:uin/100000000001:DBInstanceId/postgres-tagged01', 'postgres', 'ap-guangzhou', 'DBInstanceId', 'postgres-tagged01', 'env', 'prod', 1],
    ],
    "a live instance's tags, in their order; a destroyed one's are not carried over",
  );
  const catalogue = await db.selectFrom('tag_catalog').select(['tag_key', 'tag_value']).orderBy('tag_key').execute();
  assert.deepEqual(catalogue.map((c) => [c.tag_key, c.tag_value]), [['env', 'prod'], ['team', 'data']]);
  const row = await db.selectFrom('instances').selectAll().where('id', '=', 'postgres-tagged01').executeTakeFirstOrThrow();
  assert.equal('tags' in row, false, 'instances.tags is gone: resource_tags is the only place tags live');

  const tables = await db.selectFrom('route_tables').selectAll().execute();
  assert.equal(tables.length, 1);
  assert.deepEqual([tables[0].vpc_id, tables[0].is_default, tables[0].name], ['vpc-aaaaaaaa', 1, 'default']);
  assert.match(tables[0].id, /^rtb-[a-z0-9]{8}$/);
  const subnet = await db.selectFrom('subnets').selectAll().executeTakeFirstOrThrow();
  assert.deepEqual([subnet.route_table_id, Number(subnet.enable_broadcast)], [tables[0].id, 0]);
  const vpc = await db.selectFrom('vpcs').selectAll().executeTakeFirstOrThrow();
  assert.deepEqual([JSON.parse(vpc.dns_servers), vpc.domain_name, Number(vpc.enable_multicast)], [['183.60.83.19', '183.60.82.98'], '', 0]);
}
