// The vpc actions Terraform's tencentcloud_vpc, tencentcloud_subnet and tencentcloud_security_group*
// resources call beside Create/Describe/Delete, through the official SDK: ModifyVpcAttribute,
// ModifySubnetAttribute, DescribeRouteTables (each VPC's default route table, made with it),
// ReplaceRouteTableAssociation, ModifySecurityGroupAttribute, DescribeSecurityGroupAssociationStatistics
// and ModifySecurityGroupPolicies, whose policies still become a bound instance's pg_hba.conf; and the
// policy shapes the provider's security_group_rule resource sends and reads back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, waitForStatus, login, PASSWORD, type PostgresClient } from './support/sdk.ts';
import { vpcClient } from './support/clients.ts';
import { loadRegistry } from '../src/server/registry.ts';
import { documentedRateLimit } from '../src/core/catalog/rateLimits.ts';

let svc: TestService;
let pgc: PostgresClient;
let vpc: ReturnType<typeof vpcClient>;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '16' } }); // the one major these tests create
  pgc = postgresClient(svc);
  vpc = vpcClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

test('ModifyVpcAttribute: name, DNS servers, domain name, multicast and publish flags are stored and read back; refusals', async () => {
  const { Vpc } = await vpc.CreateVpc({ VpcName: 'attrs', CidrBlock: '10.40.0.0/16', EnableMulticast: 'false', EnableRouteVpcPublish: false, EnableRouteVpcPublishIpv6: false });
  const id = Vpc!.VpcId!;
  assert.deepEqual([Vpc!.DnsServerSet, Vpc!.EnableMulticast, Vpc!.DomainName], [['183.60.83.19', '183.60.82.98'], false, '']);
  // What tencentcloud_vpc's update sends: every attribute, changed or not.
  await vpc.ModifyVpcAttribute({ VpcId: id, VpcName: 'renamed', EnableMulticast: 'true', DnsServers: ['10.40.0.2', '8.8.8.8'], DomainName: 'corp.example', EnableRouteVpcPublish: true, EnableRouteVpcPublishIpv6: false });
  const read = async () => (await vpc.DescribeVpcs({ Filters: [{ Name: 'vpc-id', Values: [id] }] })).VpcSet![0]!;
  let v = await read();
  assert.deepEqual([v.VpcName, v.EnableMulticast, v.DnsServerSet, v.DomainName, v.EnableRouteVpcPublish, v.EnableRouteVpcPublishIpv6], ['renamed', true, ['10.40.0.2', '8.8.8.8'], 'corp.example', true, false]);
  // Only what is given changes.
  await vpc.ModifyVpcAttribute({ VpcId: id, VpcName: 'again' });
  v = await read();
  assert.deepEqual([v.VpcName, v.EnableMulticast, v.DnsServerSet, v.DomainName], ['again', true, ['10.40.0.2', '8.8.8.8'], 'corp.example']);
  assert.equal((await vpc.DescribeVpcs({ Filters: [{ Name: 'vpc-name', Values: ['again'] }] })).TotalCount, 1);

  assert.equal(await errorCode(vpc.ModifyVpcAttribute({ VpcId: 'vpc-nothere0', VpcName: 'x' })), 'ResourceNotFound');
  assert.equal(await errorCode(vpc.ModifyVpcAttribute({ VpcId: id, VpcName: 'n'.repeat(61) })), 'InvalidParameterValue.TooLong');
  assert.equal(await errorCode(vpc.ModifyVpcAttribute({ VpcId: id, DnsServers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4', '9.9.9.9'] })), 'InvalidParameterValue.LimitExceeded');
  assert.equal(await errorCode(vpc.ModifyVpcAttribute({ VpcId: id, DnsServers: ['dns.example'] })), 'InvalidParameterValue.Malformed');
  assert.equal(await errorCode(vpc.ModifyVpcAttribute({ VpcId: id, EnableMulticast: 'yes' })), 'InvalidParameterValue.Malformed');
  assert.equal(await errorCode(vpc.ModifyVpcAttribute({ VpcId: id, DomainName: 'bad_domain!' })), 'InvalidParameterValue.Malformed');
  assert.equal(await errorCode(vpc.ModifyVpcAttribute({ VpcId: id, EnableCdcPublish: true })), 'UnsupportedOperation.CdcPublishNeedCdcId');
  assert.equal((await read()).VpcName, 'again', 'a refused change changes nothing');
  // CreateVpc takes the same attributes.
  const { Vpc: dns } = await vpc.CreateVpc({ VpcName: 'dns', CidrBlock: '10.41.0.0/16', DnsServers: ['10.41.0.2'], DomainName: 'lab.local', EnableMulticast: 'true' });
  assert.deepEqual([dns!.DnsServerSet, dns!.DomainName, dns!.EnableMulticast], [['10.41.0.2'], 'lab.local', true]);
  await vpc.DeleteVpc({ VpcId: dns!.VpcId! });
  await vpc.DeleteVpc({ VpcId: id });
});

test('route tables: each VPC has its default (Main) one; subnets are associated with it; filters, paging, ReplaceRouteTableAssociation', async () => {
  const { Vpc } = await vpc.CreateVpc({ VpcName: 'rt', CidrBlock: '10.50.0.0/16' });
  const vpcId = Vpc!.VpcId!;
  // What tencentcloud_vpc's read asks for its default_route_table_id.
  const main = await vpc.DescribeRouteTables({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }], Offset: '0', Limit: '100' });
  assert.equal(main.TotalCount, 1);
  const rt = main.RouteTableSet![0]!;
  assert.match(rt.RouteTableId!, /^rtb-[a-z0-9]{8}$/);
  assert.deepEqual([rt.VpcId, rt.Main, rt.RouteTableName, rt.AssociationSet, rt.RouteSet, rt.TagSet], [vpcId, true, 'default', [], [], []]);
  assert.deepEqual(rt.LocalCidrForCcn, [{ Cidr: '10.50.0.0/16', PublishedToVbc: false }]);
  assert.match(rt.CreatedTime!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

  const { Subnet: a } = await vpc.CreateSubnet({ VpcId: vpcId, SubnetName: 'a', CidrBlock: '10.50.1.0/24', Zone: 'ap-guangzhou-3' });
  const { Subnet: b } = await vpc.CreateSubnet({ VpcId: vpcId, SubnetName: 'b', CidrBlock: '10.50.2.0/24', Zone: 'ap-guangzhou-4' });
  assert.equal(a!.RouteTableId, rt.RouteTableId);
  const [withSubnets] = (await vpc.DescribeRouteTables({ RouteTableIds: [rt.RouteTableId!] })).RouteTableSet!;
  assert.deepEqual(withSubnets!.AssociationSet, [{ SubnetId: a!.SubnetId, RouteTableId: rt.RouteTableId }, { SubnetId: b!.SubnetId, RouteTableId: rt.RouteTableId }]);
  assert.equal((await vpc.DescribeSubnets({ SubnetIds: [b!.SubnetId!] })).SubnetSet![0]!.RouteTableId, rt.RouteTableId);
  // The default network's VPC has one too, listed beside it.
  const all = await vpc.DescribeRouteTables({});
  assert.ok(all.TotalCount! >= 2);
  const defaultVpc = (await vpc.DescribeVpcs({ Filters: [{ Name: 'is-default', Values: ['true'] }] })).VpcSet![0]!;
  assert.ok(all.RouteTableSet!.some((t) => t.VpcId === defaultVpc.VpcId && t.Main));
  const one = await vpc.DescribeRouteTables({ Limit: '1', Offset: '1' });
  assert.deepEqual([one.TotalCount, one.RouteTableSet!.length], [all.TotalCount, 1]);
  assert.equal((await vpc.DescribeRouteTables({ Filters: [{ Name: 'association.main', Values: ['false'] }] })).TotalCount, 0);
  assert.equal((await vpc.DescribeRouteTables({ Filters: [{ Name: 'route-table-name', Values: ['default'] }, { Name: 'vpc-id', Values: [vpcId] }] })).TotalCount, 1);
  assert.equal(await errorCode(vpc.DescribeRouteTables({ RouteTableIds: [rt.RouteTableId!], Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })), 'InvalidParameter.Coexist');
  assert.equal(await errorCode(vpc.DescribeRouteTables({ RouteTableIds: ['rtb-nothere0'] })), 'ResourceNotFound');
  assert.equal(await errorCode(vpc.DescribeRouteTables({ Filters: [{ Name: 'gateway', Values: ['x'] }] })), 'InvalidParameter.FilterInvalidKey');
  assert.equal(await errorCode(vpc.DescribeRouteTables({ Limit: '101' })), 'InvalidParameterValue.Range');

  // A subnet takes only a route table of its own VPC.
  await vpc.ReplaceRouteTableAssociation({ SubnetId: a!.SubnetId!, RouteTableId: rt.RouteTableId! });
  const otherTable = all.RouteTableSet!.find((t) => t.VpcId === defaultVpc.VpcId)!.RouteTableId!;
  assert.equal(await errorCode(vpc.ReplaceRouteTableAssociation({ SubnetId: a!.SubnetId!, RouteTableId: otherTable })), 'UnsupportedOperation.VpcMismatch');
  assert.equal(await errorCode(vpc.ReplaceRouteTableAssociation({ SubnetId: a!.SubnetId!, RouteTableId: 'rtb-nothere0' })), 'ResourceNotFound');
  assert.equal(await errorCode(vpc.ReplaceRouteTableAssociation({ SubnetId: 'subnet-nothere0', RouteTableId: rt.RouteTableId! })), 'ResourceNotFound');

  // ModifySubnetAttribute: what tencentcloud_subnet calls right after CreateSubnet, and on update.
  await vpc.ModifySubnetAttribute({ SubnetId: a!.SubnetId!, SubnetName: 'a2', EnableBroadcast: 'true' });
  let s = (await vpc.DescribeSubnets({ Filters: [{ Name: 'subnet-id', Values: [a!.SubnetId!] }] })).SubnetSet![0]!;
  assert.deepEqual([s.SubnetName, s.EnableBroadcast], ['a2', true]);
  await vpc.ModifySubnetAttribute({ SubnetId: a!.SubnetId!, EnableBroadcast: 'false' });
  s = (await vpc.DescribeSubnets({ SubnetIds: [a!.SubnetId!] })).SubnetSet![0]!;
  assert.deepEqual([s.SubnetName, s.EnableBroadcast], ['a2', false]);
  assert.equal(await errorCode(vpc.ModifySubnetAttribute({ SubnetId: 'subnet-nothere0', SubnetName: 'x' })), 'ResourceNotFound');
  assert.equal(await errorCode(vpc.ModifySubnetAttribute({ SubnetId: a!.SubnetId!, SubnetName: '' })), 'InvalidParameterValue.TooLong');
  assert.equal(await errorCode(vpc.ModifySubnetAttribute({ SubnetId: a!.SubnetId!, EnableBroadcast: 'on' })), 'InvalidParameterValue.Malformed');

  // The route table goes with its VPC.
  await vpc.DeleteSubnet({ SubnetId: a!.SubnetId! });
  await vpc.DeleteSubnet({ SubnetId: b!.SubnetId! });
  await vpc.DeleteVpc({ VpcId: vpcId });
  assert.equal(await errorCode(vpc.DescribeRouteTables({ RouteTableIds: [rt.RouteTableId!] })), 'ResourceNotFound');
});

test('security groups: attributes, association statistics, ModifySecurityGroupPolicies into pg_hba.conf, the provider’s rule shapes', async () => {
  const { SecurityGroup } = await vpc.CreateSecurityGroup({ GroupName: 'app', GroupDescription: 'first' });
  const sg = SecurityGroup!.SecurityGroupId!;
  await vpc.ModifySecurityGroupAttribute({ SecurityGroupId: sg, GroupName: 'app-db' });
  await vpc.ModifySecurityGroupAttribute({ SecurityGroupId: sg, GroupDescription: 'second' });
  const g = (await vpc.DescribeSecurityGroups({ SecurityGroupIds: [sg] })).SecurityGroupSet![0]!;
  assert.deepEqual([g.SecurityGroupName, g.SecurityGroupDesc, g.ProjectId], ['app-db', 'second', '0']);
  assert.equal(await errorCode(vpc.ModifySecurityGroupAttribute({ SecurityGroupId: sg, GroupName: 'n'.repeat(61) })), 'InvalidParameterValue.TooLong');
  assert.equal(await errorCode(vpc.ModifySecurityGroupAttribute({ SecurityGroupId: sg, GroupDescription: 'd'.repeat(101) })), 'InvalidParameterValue.TooLong');
  assert.equal(await errorCode(vpc.ModifySecurityGroupAttribute({ SecurityGroupId: 'sg-nothere0', GroupName: 'x' })), 'ResourceNotFound');

  // tencentcloud_security_group_rule's create: PolicyIndex 0 and empty template objects always sent.
  const allowMe = { PolicyIndex: 0, Protocol: 'TCP', Port: '5432', CidrBlock: '127.0.0.1/32', Action: 'ACCEPT', PolicyDescription: '', AddressTemplate: {}, ServiceTemplate: {} };
  await vpc.CreateSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [allowMe] } });
  const read = await vpc.DescribeSecurityGroupPolicies({ SecurityGroupId: sg });
  const p = read.SecurityGroupPolicySet!.Ingress![0]!;
  // The provider matches its rule on these; SecurityGroupId is the source group (none), not the group itself.
  assert.deepEqual([p.Protocol, p.Port, p.CidrBlock, p.Action, p.PolicyDescription, p.SecurityGroupId, p.AddressTemplate, p.ServiceTemplate], ['TCP', '5432', '127.0.0.1/32', 'ACCEPT', '', '', { AddressId: '', AddressGroupId: '' }, { ServiceId: '', ServiceGroupId: '' }]);

  const { DBInstanceIdSet } = await pgc.CreateInstances({ ...createRequest({ DBMajorVersion: '16' }), SecurityGroupIds: [sg] });
  const id = DBInstanceIdSet![0]!;
  const inst = await waitForStatus(pgc, id, 'running');
  const canLogin = async () => {
    try {
      const c = await login(inst, 'dbadmin', PASSWORD);
      await c.end();
      return true;
    } catch (e: any) {
      if (/pg_hba\.conf rejects connection/.test(String(e.message))) return false;
      throw e;
    }
  };
  const until = async (want: boolean) => {
    for (let i = 0; i < 200; i++) {
      if ((await canLogin()) === want) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`login did not become ${want ? 'possible' : 'impossible'}`);
  };
  await until(true);
  const stats = await vpc.DescribeSecurityGroupAssociationStatistics({ SecurityGroupIds: [sg] });
  assert.deepEqual(stats.SecurityGroupAssociationStatisticsSet, [{ SecurityGroupId: sg, CVM: 0, CDB: 0, ENI: 0, SG: 0, CLB: 0, InstanceStatistics: [{ InstanceType: 'POSTGRES', InstanceCount: 1 }], TotalCount: 1 }]);
  assert.equal(await errorCode(vpc.DescribeSecurityGroupAssociationStatistics({ SecurityGroupIds: ['sg-nothere0'] })), 'ResourceNotFound');
  assert.equal(await errorCode(vpc.DescribeSecurityGroupAssociationStatistics({ SecurityGroupIds: ['nonsense'] })), 'InvalidParameterValue.Malformed');

  // tencentcloud_security_group_rule_set: ModifySecurityGroupPolicies replaces the ingress policies in the order given.
  const egress = { Protocol: 'ALL', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' };
  await vpc.ModifySecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [{ Protocol: 'TCP', Port: '5432', CidrBlock: '127.0.0.1/32', Action: 'DROP' }, { Protocol: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }], Egress: [egress] } });
  await until(false);
  let set = (await vpc.DescribeSecurityGroupPolicies({ SecurityGroupId: sg })).SecurityGroupPolicySet!;
  assert.deepEqual(set.Ingress!.map((x) => [x.PolicyIndex, x.Action, x.Protocol, x.Port, x.CidrBlock]), [[0, 'DROP', 'TCP', '5432', '127.0.0.1/32'], [1, 'ACCEPT', 'ALL', 'ALL', '0.0.0.0/0']]);
  assert.deepEqual(set.Egress!.map((x) => [x.Action, x.CidrBlock]), [['ACCEPT', '0.0.0.0/0']]);
  const version = Number(set.Version);
  // A direction not given keeps its policies; the version moves on by one per change.
  await vpc.ModifySecurityGroupPolicies({ SecurityGroupId: sg, SortPolicys: true, SecurityGroupPolicySet: { Version: String(version + 1), Ingress: [{ Protocol: 'TCP', Port: '5432', CidrBlock: '127.0.0.0/8', Action: 'ACCEPT' }] } });
  await until(true);
  set = (await vpc.DescribeSecurityGroupPolicies({ SecurityGroupId: sg })).SecurityGroupPolicySet!;
  assert.deepEqual([set.Version, set.Ingress!.length, set.Egress!.length], [String(version + 1), 1, 1]);
  // Version "0" clears both directions (what the rule set's destroy sends): nothing is let in.
  await vpc.ModifySecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Version: '0', Ingress: [], Egress: [] } });
  await until(false);
  set = (await vpc.DescribeSecurityGroupPolicies({ SecurityGroupId: sg })).SecurityGroupPolicySet!;
  assert.deepEqual([set.Ingress, set.Egress], [[], []]);
  assert.equal(await errorCode(vpc.ModifySecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [egress, egress] } })), 'UnsupportedOperation.DuplicatePolicy');
  assert.equal(await errorCode(vpc.ModifySecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Version: '3' } })), 'InvalidParameterValue.Empty');
  assert.equal(await errorCode(vpc.ModifySecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [{ ...egress, Action: 'ALLOW' }] } })), 'InvalidParameterValue.Range');
  assert.equal(await errorCode(vpc.ModifySecurityGroupPolicies({ SecurityGroupId: 'sg-nothere0', SecurityGroupPolicySet: { Ingress: [egress] } })), 'ResourceNotFound');

  // tencentcloud_security_group_rule's delete: by content, with only the fields that are not ALL.
  await vpc.CreateSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [allowMe] } });
  await until(true);
  await vpc.DeleteSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [{ Action: 'ACCEPT', CidrBlock: '127.0.0.1/32', Protocol: 'TCP', Port: '5432' }] } });
  await until(false);

  // Deletion: refused while bound; the default group never.
  assert.equal(await errorCode(vpc.DeleteSecurityGroup({ SecurityGroupId: sg })), 'ResourceInUse');
  const dflt = (await vpc.DescribeSecurityGroups({})).SecurityGroupSet!.find((x) => x.IsDefault)!;
  assert.equal(await errorCode(vpc.DeleteSecurityGroup({ SecurityGroupId: dflt.SecurityGroupId! })), 'UnsupportedOperation');
  await pgc.ModifyDBInstanceSecurityGroups({ DBInstanceId: id, SecurityGroupIdSet: [dflt.SecurityGroupId!] });
  await until(true);
  assert.equal((await vpc.DescribeSecurityGroupAssociationStatistics({ SecurityGroupIds: [sg] })).SecurityGroupAssociationStatisticsSet![0]!.TotalCount, 0);
  await vpc.DeleteSecurityGroup({ SecurityGroupId: sg });
});

test('rate limits: each new vpc action is registered with its documented per-second limit in the catalogue (cloud.tencent.com/document/api/215)', async () => {
  const registry = await loadRegistry();
  const limit = (name: string) => (registry.get('vpc', name) ? documentedRateLimit('vpc', name)?.perSecond : undefined);
  assert.deepEqual(
    ['ModifyVpcAttribute', 'ModifySubnetAttribute', 'DescribeRouteTables', 'ReplaceRouteTableAssociation', 'ModifySecurityGroupAttribute', 'DescribeSecurityGroupAssociationStatistics', 'ModifySecurityGroupPolicies'].map(limit),
    [100, 50, 50, 100, 50, 100, 50],
  );
});
