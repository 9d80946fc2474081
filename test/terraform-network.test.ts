// tencentcloud_postgresql_instance in a VPC and subnet made by the same configuration, behind security
// groups made there too; and an instance with a standby in another zone, its HA settings and its
// security groups set by their own resources. Driven by the real provider, checked by real logins.
import assert from 'node:assert/strict';
import { terraformSuite, resourceValues } from './support/terraform.ts';
import { TF_PASSWORD, assertInstanceGone, defaultNetwork, eventually, loginRefused, postgresInstance, queryAs, ref } from './support/terraform-postgres.ts';
import { vpcClient } from './support/clients.ts';

const tf = terraformSuite('tencentcloud_postgresql_instance with VPCs, security groups and a standby');

const network = (o: { boundTo: 'allow' | 'deny'; denyRule: string }) => `
resource "tencentcloud_vpc" "vpc" {
  name       = "tf-pg-vpc"
  cidr_block = "10.20.0.0/16"
}

resource "tencentcloud_subnet" "subnet" {
  vpc_id            = tencentcloud_vpc.vpc.id
  name              = "tf-pg-subnet"
  cidr_block        = "10.20.1.0/24"
  availability_zone = "ap-guangzhou-3"
}

resource "tencentcloud_security_group" "allow" {
  name        = "tf-pg-allow"
  description = "database clients"
}

resource "tencentcloud_security_group_lite_rule" "allow" {
  security_group_id = tencentcloud_security_group.allow.id
  ingress           = ["ACCEPT#127.0.0.1/32#5432#TCP"]
}

resource "tencentcloud_security_group" "deny" {
  name = "tf-pg-deny"
}

resource "tencentcloud_security_group_lite_rule" "deny" {
  security_group_id = tencentcloud_security_group.deny.id
  ingress           = ["${o.denyRule}"]
}

${postgresInstance('pg', {
  name: 'tf-vpc',
  vpc_id: ref('tencentcloud_vpc.vpc.id'),
  subnet_id: ref('tencentcloud_subnet.subnet.id'),
  security_groups: [ref(`tencentcloud_security_group.${o.boundTo}.id`)],
})}
`;

tf.test('in a VPC and subnet of the same configuration; security_groups and their rules decide who logs in', async () => {
  const ws = await tf.workspace('vpc');
  const vpc = vpcClient(tf.svc);
  let state = await ws.applyClean(network({ boundTo: 'allow', denyRule: 'DROP#0.0.0.0/0#ALL#ALL' }));
  const pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
  const vpcId = resourceValues(state, 'tencentcloud_vpc.vpc').id;
  const subnetId = resourceValues(state, 'tencentcloud_subnet.subnet').id;
  const allow = resourceValues(state, 'tencentcloud_security_group.allow').id;
  const deny = resourceValues(state, 'tencentcloud_security_group.deny').id;
  assert.deepEqual([pg.vpc_id, pg.subnet_id], [vpcId, subnetId]);
  const api = (await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: pg.id })).DBInstance!;
  assert.deepEqual([api.VpcId, api.SubnetId], [vpcId, subnetId]);
  const subnet = (await vpc.DescribeSubnets({ SubnetIds: [subnetId] })).SubnetSet![0]!;
  assert.deepEqual([subnet.VpcId, subnet.CidrBlock, subnet.Zone], [vpcId, '10.20.1.0/24', 'ap-guangzhou-3']);
  const boundGroups = async () => (await tf.pgc.DescribeDBInstanceSecurityGroups({ DBInstanceId: pg.id })).SecurityGroupSet!.map((g) => g.SecurityGroupId);
  assert.deepEqual(await boundGroups(), [allow]);
  assert.deepEqual(pg.security_groups, [allow]);
  // The allow group lets the test client (127.0.0.1) in on 5432.
  assert.equal((await queryAs(pg, 'root', TF_PASSWORD, 'SELECT 1 AS one'))[0].one, 1);

  // Bound to the group that drops everything instead: the same login is refused.
  state = await ws.applyClean(network({ boundTo: 'deny', denyRule: 'DROP#0.0.0.0/0#ALL#ALL' }));
  assert.ok(ws.applyCalls.some((c) => c.action === 'ModifyDBInstanceSecurityGroups'));
  assert.deepEqual(resourceValues(state, 'tencentcloud_postgresql_instance.pg').security_groups, [deny]);
  assert.deepEqual(await boundGroups(), [deny]);
  await eventually('login refused', () => loginRefused(pg, 'root', TF_PASSWORD), true);

  // The group's rule changed by Terraform reaches the running server: the login works again.
  state = await ws.applyClean(network({ boundTo: 'deny', denyRule: 'ACCEPT#127.0.0.0/8#ALL#ALL' }));
  const inbound = (await tf.pgc.DescribeDBInstanceSecurityGroups({ DBInstanceId: pg.id })).SecurityGroupSet![0]!.Inbound!;
  assert.deepEqual(inbound.map((r) => [r.Action, r.CidrIp, r.PortRange, r.IpProtocol]), [['ACCEPT', '127.0.0.0/8', 'ALL', 'ALL']]);
  await eventually('login refused', () => loginRefused(pg, 'root', TF_PASSWORD), false);

  // Destroy removes the instance first, then the subnet, the VPC and the groups it used.
  await ws.destroyClean();
  await assertInstanceGone(tf.svc, tf.pgc, pg.id);
  assert.equal((await vpc.DescribeVpcs({ VpcIds: [vpcId] }).catch(() => ({ TotalCount: 0 }))).TotalCount, 0);
  assert.equal((await vpc.DescribeSecurityGroups({ SecurityGroupIds: [allow, deny] }).catch(() => ({ TotalCount: 0 }))).TotalCount, 0);
});

const standby = (o: { syncMode: 'Async' | 'Semi-sync'; maxStandbyLag: number; groups: string[] }) => `
${defaultNetwork()}

resource "tencentcloud_security_group" "a" {
  name = "tf-pg-a"
}

resource "tencentcloud_security_group_lite_rule" "a" {
  security_group_id = tencentcloud_security_group.a.id
  ingress           = ["ACCEPT#0.0.0.0/0#5432#TCP"]
}

resource "tencentcloud_security_group" "b" {
  name = "tf-pg-b"
}

resource "tencentcloud_security_group_lite_rule" "b" {
  security_group_id = tencentcloud_security_group.b.id
  ingress           = ["ACCEPT#127.0.0.1/32#ALL#ALL"]
}

${postgresInstance('pg', { name: 'tf-ha' }, `
  db_node_set {
    role = "Primary"
    zone = "ap-guangzhou-3"
  }
  db_node_set {
    zone = "ap-guangzhou-4"
  }

  # The groups are the business of tencentcloud_postgresql_security_group_config below.
  lifecycle {
    ignore_changes = [security_groups]
  }
`)}

resource "tencentcloud_postgresql_instance_ha_config" "ha" {
  instance_id         = tencentcloud_postgresql_instance.pg.id
  sync_mode           = "${o.syncMode}"
  max_standby_latency = 10737418240
  max_standby_lag     = ${o.maxStandbyLag}
${o.syncMode === 'Semi-sync' ? '  max_sync_standby_latency = 52428800\n  max_sync_standby_lag     = 5' : ''}
}

resource "tencentcloud_postgresql_security_group_config" "sg" {
  db_instance_id        = tencentcloud_postgresql_instance.pg.id
  security_group_id_set = [${o.groups.map((g) => `tencentcloud_security_group.${g}.id`).join(', ')}]
}
`;

tf.test('a standby in another zone (db_node_set); _instance_ha_config and _security_group_config', async () => {
  const ws = await tf.workspace('standby');
  let state = await ws.applyClean(standby({ syncMode: 'Async', maxStandbyLag: 10, groups: ['a'] }));
  const pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
  const [a, b] = ['a', 'b'].map((g) => resourceValues(state, `tencentcloud_security_group.${g}`).id);
  const nodes = (o: any) => [...o].map((n: any) => [n.role ?? n.Role, n.zone ?? n.Zone]).sort();
  assert.deepEqual(nodes(pg.db_node_set), [['Primary', 'ap-guangzhou-3'], ['Standby', 'ap-guangzhou-4']]);
  const api = (await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: pg.id })).DBInstance!;
  assert.deepEqual(nodes(api.DBNodeSet), [['Primary', 'ap-guangzhou-3'], ['Standby', 'ap-guangzhou-4']]);
  assert.equal(api.Zone, 'ap-guangzhou-3');

  // A real standby streams from the primary; Async: it is not a synchronous one.
  const replication = async () => (await queryAs(pg, 'root', TF_PASSWORD, 'SELECT sync_state FROM pg_stat_replication')).map((r) => r.sync_state);
  await eventually('the standby', replication, ['async']);
  let ha = await tf.pgc.DescribeDBInstanceHAConfig({ DBInstanceId: pg.id });
  assert.deepEqual([ha.SyncMode, ha.MaxStandbyLatency, ha.MaxStandbyLag], ['Async', 10737418240, 10]);
  assert.deepEqual(resourceValues(state, 'tencentcloud_postgresql_security_group_config.sg').security_group_id_set, [a]);
  assert.deepEqual((await tf.pgc.DescribeDBInstanceSecurityGroups({ DBInstanceId: pg.id })).SecurityGroupSet!.map((g) => g.SecurityGroupId), [a]);

  // Semi-sync with its limits: the standby becomes synchronous; both groups are bound.
  state = await ws.applyClean(standby({ syncMode: 'Semi-sync', maxStandbyLag: 6, groups: ['a', 'b'] }));
  ha = await tf.pgc.DescribeDBInstanceHAConfig({ DBInstanceId: pg.id });
  assert.deepEqual(
    [ha.SyncMode, ha.MaxStandbyLatency, ha.MaxStandbyLag, ha.MaxSyncStandbyLatency, ha.MaxSyncStandbyLag],
    ['Semi-sync', 10737418240, 6, 52428800, 5],
  );
  const haState = resourceValues(state, 'tencentcloud_postgresql_instance_ha_config.ha');
  assert.deepEqual([haState.sync_mode, haState.max_standby_lag, haState.max_sync_standby_lag], ['Semi-sync', 6, 5]);
  await eventually('the standby', replication, ['sync']);
  const bound = (await tf.pgc.DescribeDBInstanceSecurityGroups({ DBInstanceId: pg.id })).SecurityGroupSet!.map((g) => g.SecurityGroupId).sort();
  assert.deepEqual(bound, [a, b].sort());
  assert.deepEqual([...resourceValues(state, 'tencentcloud_postgresql_security_group_config.sg').security_group_id_set].sort(), [a, b].sort());
  assert.equal((await queryAs(pg, 'root', TF_PASSWORD, 'SELECT 1 AS one'))[0].one, 1);

  await ws.destroyClean();
  await assertInstanceGone(tf.svc, tf.pgc, pg.id);
});
