// The vpc service end to end through the official SDK: VPCs and subnets with CIDR rules, the default
// network, an instance in a VPC of its own (address from its subnet, reachable at its connectable
// address), and deletion refused while an instance is inside.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, waitForStatus, login, type PostgresClient } from './support/sdk.ts';
import { vpcClient } from './support/clients.ts';

const PASSWORD = 'Pgcloud#2026pw';
let svc: TestService;
let pgc: PostgresClient;
let vpc: ReturnType<typeof vpcClient>;

const base = createRequest({ DBMajorVersion: '15' });

before(async () => {
  svc = await startService();
  pgc = postgresClient(svc);
  vpc = vpcClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

test('VPCs and subnets: create, describe, CIDR rules, delete', async () => {
  const { Vpc } = await vpc.CreateVpc({ VpcName: 'app', CidrBlock: '10.20.0.0/16' });
  assert.match(Vpc!.VpcId!, /^vpc-[a-z0-9]{8}$/);
  assert.equal(Vpc!.CidrBlock, '10.20.0.0/16');
  assert.equal(Vpc!.IsDefault, false);
  assert.equal(await errorCode(vpc.CreateVpc({ VpcName: 'x', CidrBlock: '8.8.0.0/16' })), 'InvalidParameterValue.Range');
  assert.equal(await errorCode(vpc.CreateVpc({ VpcName: 'x', CidrBlock: '10.0.0.1/16' })), 'InvalidParameterValue.Malformed');

  const { Subnet } = await vpc.CreateSubnet({ VpcId: Vpc!.VpcId!, SubnetName: 'a', CidrBlock: '10.20.1.0/24', Zone: 'ap-guangzhou-3' });
  assert.match(Subnet!.SubnetId!, /^subnet-[a-z0-9]{8}$/);
  assert.equal(Subnet!.TotalIpAddressCount, 256);
  assert.equal(Subnet!.AvailableIpAddressCount, 253);
  assert.equal(await errorCode(vpc.CreateSubnet({ VpcId: Vpc!.VpcId!, SubnetName: 'b', CidrBlock: '10.21.0.0/24', Zone: 'ap-guangzhou-3' })), 'InvalidParameterValue.SubnetRange');
  assert.equal(await errorCode(vpc.CreateSubnet({ VpcId: Vpc!.VpcId!, SubnetName: 'b', CidrBlock: '10.20.1.128/25', Zone: 'ap-guangzhou-3' })), 'InvalidParameterValue.SubnetConflict');
  assert.equal(await errorCode(vpc.CreateSubnet({ VpcId: 'vpc-nothere0', SubnetName: 'b', CidrBlock: '10.20.2.0/24', Zone: 'ap-guangzhou-3' })), 'ResourceNotFound');

  const listed = await vpc.DescribeVpcs({ VpcIds: [Vpc!.VpcId!] });
  assert.equal(listed.TotalCount, 1);
  assert.equal(listed.VpcSet![0]!.VpcName, 'app');
  const subnets = await vpc.DescribeSubnets({ Filters: [{ Name: 'vpc-id', Values: [Vpc!.VpcId!] }] });
  assert.deepEqual(subnets.SubnetSet!.map((s) => s.CidrBlock), ['10.20.1.0/24']);

  const { Vpc: temp } = await vpc.CreateVpc({ VpcName: 'temp', CidrBlock: '192.168.0.0/24' });
  await vpc.DeleteVpc({ VpcId: temp!.VpcId! });
  assert.equal(await errorCode(vpc.DescribeVpcs({ VpcIds: [temp!.VpcId!] })), 'ResourceNotFound');
});

test('an instance in its own VPC and subnet gets an address of that subnet, is reachable, and pins its network', async () => {
  const { Vpc } = await vpc.CreateVpc({ VpcName: 'db', CidrBlock: '10.30.0.0/16' });
  const { Subnet } = await vpc.CreateSubnet({ VpcId: Vpc!.VpcId!, SubnetName: 'db-a', CidrBlock: '10.30.5.0/28', Zone: 'ap-guangzhou-3' });
  const { DBInstanceIdSet } = await pgc.CreateInstances({ ...base, VpcId: Vpc!.VpcId!, SubnetId: Subnet!.SubnetId! });
  const id = DBInstanceIdSet![0]!;
  const inst = await waitForStatus(pgc, id, 'running');
  assert.equal(inst.VpcId, Vpc!.VpcId);
  assert.equal(inst.SubnetId, Subnet!.SubnetId);
  const access = inst.NetworkAccessList[0];
  assert.equal(access.Vip, '10.30.5.2'); // first address after the network address and the gateway
  assert.equal(access.VpcId, Vpc!.VpcId);
  const net = inst.DBInstanceNetInfo.find((n: any) => n.NetType === 'private');
  assert.match(net.Ip, /^127\.48\./);
  const c = await login(inst, 'dbadmin', PASSWORD);
  assert.equal((await c.query('select 1 as one')).rows[0].one, 1);
  await c.end();

  const { SubnetSet } = await vpc.DescribeSubnets({ SubnetIds: [Subnet!.SubnetId!] });
  assert.equal(SubnetSet![0]!.AvailableIpAddressCount, 16 - 3 - 1);
  const byIp = await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-private-ip', Values: ['10.30.5.2'] }] });
  assert.deepEqual(byIp.DBInstanceSet!.map((i) => i.DBInstanceId), [id]);

  assert.equal(await errorCode(vpc.DeleteSubnet({ SubnetId: Subnet!.SubnetId! })), 'ResourceInUse');
  assert.equal(await errorCode(vpc.DeleteVpc({ VpcId: Vpc!.VpcId! })), 'ResourceInUse');

  // The default network is listed too, flagged as default.
  const defaults = await vpc.DescribeVpcs({ Filters: [{ Name: 'is-default', Values: ['true'] }] });
  assert.equal(defaults.TotalCount, 1);
  assert.equal(defaults.VpcSet![0]!.CidrBlock, '172.16.0.0/16');

  // A subnet of another zone, or a VPC that is not there, is refused.
  assert.equal(await errorCode(pgc.CreateInstances({ ...base, Zone: 'ap-guangzhou-4', VpcId: Vpc!.VpcId!, SubnetId: Subnet!.SubnetId! })), 'InvalidParameter.VpcNotFoundError');
});
