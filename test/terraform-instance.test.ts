// tencentcloud_postgresql_instance in the default network, driven by the real provider: each step's
// apply succeeds, the plan after it wants nothing, the state's address takes a real login, and each
// update reaches the server and the API; destroy leaves no instance and no server.
import assert from 'node:assert/strict';
import { terraformSuite, resourceValues, type Workspace } from './support/terraform.ts';
import { TF_PASSWORD, assertInstanceGone, defaultNetwork, postgresInstance, queryAs } from './support/terraform-postgres.ts';
import { tagClient } from './support/clients.ts';

const tf = terraformSuite('tencentcloud_postgresql_instance in the default network');

const instance = (o: { name: string; memory: number; storage: number; tags: Record<string, string>; projectId?: number; maxStandby?: [number, number] }) => `
${defaultNetwork()}
${postgresInstance('pg', {
  name: o.name,
  root_user: 'tfadmin',
  memory: o.memory,
  storage: o.storage,
  project_id: o.projectId ?? 0,
  tags: o.tags,
  max_standby_streaming_delay: o.maxStandby?.[0],
  max_standby_archive_delay: o.maxStandby?.[1],
})}
data "tencentcloud_postgresql_instances" "by_id" {
  id = tencentcloud_postgresql_instance.pg.id
}
`;

const tagsOf = async (id: string) => {
  const r = await tagClient(tf.svc).DescribeResourceTagsByResourceIds({ ServiceType: 'postgres', ResourcePrefix: 'DBInstanceId', ResourceIds: [id], ResourceRegion: 'ap-guangzhou' });
  return Object.fromEntries(r.Tags!.map((t) => [t.TagKey, t.TagValue]));
};

tf.test('create with tags; update name, tags, memory and storage, project and max_standby_*; destroy', async () => {
  const ws: Workspace = await tf.workspace('instance');
  let state = await ws.applyClean(instance({ name: 'tf-default-net', memory: 2, storage: 10, tags: { env: 'test', team: 'db' } }));
  let pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
  const id: string = pg.id;
  assert.match(id, /^postgres-[a-z0-9]{8}$/);

  // What the state says is what the API says, and the address takes a login as the root user.
  const api = (await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!;
  assert.equal(api.DBInstanceStatus, 'running');
  assert.equal(pg.private_access_ip, api.DBInstanceNetInfo!.find((n) => n.NetType === 'private')!.Ip);
  assert.equal(pg.private_access_port, 5432);
  assert.deepEqual([pg.db_major_version, pg.engine_version, pg.db_kernel_version], [api.DBMajorVersion, api.DBVersion, api.DBKernelVersion]);
  assert.deepEqual([pg.vpc_id, pg.subnet_id], [api.VpcId, api.SubnetId]);
  assert.equal(pg.charge_type, 'POSTPAID_BY_HOUR');
  assert.equal(pg.root_user, 'tfadmin');
  assert.deepEqual(pg.tags, { env: 'test', team: 'db' });
  assert.deepEqual(await tagsOf(id), { env: 'test', team: 'db' });
  assert.equal(pg.uid, api.Uid);
  const [{ version, user }] = await queryAs(pg, 'tfadmin', TF_PASSWORD, 'SELECT version(), current_user AS user');
  assert.match(version, /^PostgreSQL 16\./);
  assert.equal(user, 'tfadmin');
  // The provider's read of max_standby_* is the server's setting (30 s by default), in milliseconds.
  assert.equal(pg.max_standby_streaming_delay, 30000);
  assert.equal(pg.max_standby_archive_delay, 30000);
  // The instances data source finds it (tags and all).
  const listed = resourceValues(state, 'data.tencentcloud_postgresql_instances.by_id').instance_list;
  assert.equal(listed.length, 1);
  assert.deepEqual([listed[0].id, listed[0].name, listed[0].private_access_ip, listed[0].root_user, listed[0].tags], [id, 'tf-default-net', pg.private_access_ip, 'tfadmin', { env: 'test', team: 'db' }]);

  // One update of everything the resource changes in place.
  const { ProjectId } = await tagClient(tf.svc).AddProject({ ProjectName: 'tf-project', Info: 'terraform test' });
  state = await ws.applyClean(
    instance({
      name: 'tf-default-net-2', memory: 4, storage: 20, tags: { env: 'prod' }, projectId: ProjectId,
      maxStandby: [45000, 60000],
    }),
  );
  const called = ws.applyCalls.map((c) => c.action);
  for (const action of ['ModifyDBInstanceName', 'ModifyDBInstanceSpec', 'ModifyDBInstancesProject', 'ModifyResourceTags', 'ModifyDBInstanceParameters'])
    assert.ok(called.includes(action), `the provider did not call ${action}: ${[...new Set(called)].join(', ')}`);
  pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
  assert.equal(pg.id, id, 'updated in place');
  const after = (await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!;
  assert.deepEqual(
    [after.DBInstanceName, after.DBInstanceMemory, after.DBInstanceStorage, after.ProjectId, after.DBInstanceStatus],
    ['tf-default-net-2', 4, 20, ProjectId, 'running'],
  );
  assert.equal(pg.cpu, after.DBInstanceCpu);
  assert.deepEqual(pg.tags, { env: 'prod' });
  assert.deepEqual(await tagsOf(id), { env: 'prod' });
  // The server runs with the new memory settings and the new standby delays.
  const settings = await queryAs(pg, 'tfadmin', TF_PASSWORD, "SELECT name, setting FROM pg_settings WHERE name IN ('max_standby_streaming_delay', 'max_standby_archive_delay') ORDER BY name");
  assert.deepEqual(settings.map((s) => [s.name, s.setting]), [['max_standby_archive_delay', '60000'], ['max_standby_streaming_delay', '45000']]);
  assert.equal(pg.max_standby_streaming_delay, 45000);

  await ws.destroyClean();
  await assertInstanceGone(tf.svc, tf.pgc, id);
});

tf.test('LATIN1, PostgreSQL 13 and delete_protection: destroy is refused until protection is turned off', async () => {
  const ws = await tf.workspace('protected');
  const config = (protect: boolean) => `
${defaultNetwork()}
${postgresInstance('pg', { name: 'tf-latin1', db_major_version: '13', charset: 'LATIN1', delete_protection: protect })}
`;
  let state = await ws.applyClean(config(true));
  const pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
  assert.deepEqual([pg.charset, pg.db_major_version, pg.root_user, pg.delete_protection], ['LATIN1', '13', 'root', true]);
  const [row] = await queryAs(pg, 'root', TF_PASSWORD, "SELECT current_setting('server_encoding') AS enc, current_setting('server_version_num')::int / 10000 AS major");
  assert.deepEqual([row.enc, row.major], ['LATIN1', 13]);
  assert.equal((await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: pg.id })).DBInstance!.DeletionProtection, true);

  // The real service refuses to isolate a protected instance; so does the provider's destroy.
  const refused = await ws.run(['destroy', '-auto-approve', '-input=false', '-no-color'], { timeoutMs: 300_000 });
  assert.notEqual(refused.code, 0);
  assert.match(refused.output, /DeletionProtection/);
  assert.equal((await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: pg.id })).DBInstance!.DBInstanceStatus, 'running');

  state = await ws.applyClean(config(false));
  assert.equal(resourceValues(state, 'tencentcloud_postgresql_instance.pg').delete_protection, false);
  assert.equal((await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: pg.id })).DBInstance!.DeletionProtection, false);
  await ws.destroyClean();
  await assertInstanceGone(tf.svc, tf.pgc, pg.id);
});
