// Security groups enforced end to end: a group's ingress policies become the instance's pg_hba.conf,
// and a change to a policy or to the binding reaches the running server within a second.
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

/** Whether a login succeeds now; a refusal by pg_hba.conf is a false, anything else throws. */
async function canLogin(inst: any): Promise<boolean> {
  try {
    const c = await login(inst, 'dbadmin', PASSWORD);
    await c.end();
    return true;
  } catch (e: any) {
    if (/pg_hba\.conf rejects connection/.test(String(e.message))) return false;
    throw e;
  }
}

/** Polls until canLogin gives want; returns the milliseconds it took. */
async function until(inst: any, want: boolean, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await canLogin(inst)) === want) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`login did not become ${want ? 'possible' : 'impossible'} within ${timeoutMs} ms`);
}

const ingress = (Action: string, CidrBlock: string, Port = 'ALL', Protocol = 'ALL') => ({ Protocol, Port, CidrBlock, Action, PolicyDescription: `${Action} ${CidrBlock}` });

test('a group that drops the client refuses its login; a policy change lets it in, live', async (t) => {
  const { SecurityGroup } = await vpc.CreateSecurityGroup({ GroupName: 'db', GroupDescription: 'database clients' });
  const sg = SecurityGroup!.SecurityGroupId!;
  assert.match(sg, /^sg-[a-z0-9]{8}$/);
  // The test client connects from 127.0.0.1 (to the instance's 127.48.x.y).
  await vpc.CreateSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [ingress('DROP', '127.0.0.1/32'), ingress('ACCEPT', '0.0.0.0/0', '5432', 'TCP')] } });
  const policies = await vpc.DescribeSecurityGroupPolicies({ SecurityGroupId: sg });
  assert.equal(policies.SecurityGroupPolicySet!.Version, '1');
  assert.deepEqual(policies.SecurityGroupPolicySet!.Ingress!.map((p) => [p.PolicyIndex, p.Action, p.CidrBlock, p.Port]), [[0, 'DROP', '127.0.0.1/32', 'ALL'], [1, 'ACCEPT', '0.0.0.0/0', '5432']]);

  const { DBInstanceIdSet } = await pgc.CreateInstances({ ...base, SecurityGroupIds: [sg] });
  const id = DBInstanceIdSet![0]!;
  const inst = await waitForStatus(pgc, id, 'running');
  assert.equal(await canLogin(inst), false);

  const bound = await pgc.DescribeDBInstanceSecurityGroups({ DBInstanceId: id });
  assert.equal(bound.SecurityGroupSet!.length, 1);
  assert.equal(bound.SecurityGroupSet![0]!.SecurityGroupId, sg);
  assert.deepEqual(bound.SecurityGroupSet![0]!.Inbound!.map((r) => [r.Action, r.CidrIp, r.PortRange, r.IpProtocol]), [['DROP', '127.0.0.1/32', 'ALL', 'ALL'], ['ACCEPT', '0.0.0.0/0', '5432', 'TCP']]);

  // Replacing the DROP with an ACCEPT lets the client in, live.
  await vpc.ReplaceSecurityGroupPolicy({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [{ PolicyIndex: 0, ...ingress('ACCEPT', '127.0.0.1/32') }] } });
  const inMs = await until(inst, true);
  t.diagnostic(`the policy change took effect after ${inMs} ms`);

  // A policy for another port does not apply; deleting the accept leaves only it, so the client is refused again.
  await vpc.DeleteSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Version: '2', Ingress: [{ PolicyIndex: 0 }, { PolicyIndex: 1 }] } });
  await vpc.CreateSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [ingress('ACCEPT', '127.0.0.0/8', '3306', 'TCP')] } });
  await until(inst, false);
  assert.equal(await errorCode(vpc.DeleteSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Version: '1', Ingress: [{ PolicyIndex: 0 }] } })), 'UnsupportedOperation.VersionMismatch');

  // Binding the default group (everything allowed) instead lets it in.
  assert.equal(await errorCode(vpc.DeleteSecurityGroup({ SecurityGroupId: sg })), 'ResourceInUse');
  const groups = await vpc.DescribeSecurityGroups({});
  const dflt = groups.SecurityGroupSet!.find((g) => g.IsDefault)!;
  assert.equal(dflt.SecurityGroupName, 'default');
  await pgc.ModifyDBInstanceSecurityGroups({ DBInstanceId: id, SecurityGroupIdSet: [dflt.SecurityGroupId!] });
  await until(inst, true);
  await vpc.DeleteSecurityGroup({ SecurityGroupId: sg });
});

test('an instance created without SecurityGroupIds is bound to no group and takes logins from anywhere', async () => {
  // As the real service answers (Terraform's security_groups stays empty for such an instance).
  const { DBInstanceIdSet } = await pgc.CreateInstances(base);
  const id = DBInstanceIdSet![0]!;
  const inst = await waitForStatus(pgc, id, 'running');
  assert.deepEqual((await pgc.DescribeDBInstanceSecurityGroups({ DBInstanceId: id })).SecurityGroupSet, []);
  assert.equal(await canLogin(inst), true);
  // Binding a group later filters it; unbinding them all (an empty set) lifts the filter again.
  const { SecurityGroup } = await vpc.CreateSecurityGroup({ GroupName: 'later', GroupDescription: '' });
  const sg = SecurityGroup!.SecurityGroupId!;
  await vpc.CreateSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [ingress('DROP', '0.0.0.0/0')] } });
  await pgc.ModifyDBInstanceSecurityGroups({ DBInstanceId: id, SecurityGroupIdSet: [sg] });
  await until(inst, false);
  await pgc.ModifyDBInstanceSecurityGroups({ DBInstanceId: id, SecurityGroupIdSet: [] });
  await until(inst, true);
  assert.deepEqual((await pgc.DescribeDBInstanceSecurityGroups({ DBInstanceId: id })).SecurityGroupSet, []);
  await vpc.DeleteSecurityGroup({ SecurityGroupId: sg });
});

test('refusals: unknown groups, malformed policies', async () => {
  assert.equal(await errorCode(pgc.CreateInstances({ ...base, SecurityGroupIds: ['sg-nothere0'] })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(pgc.ModifyDBInstanceSecurityGroups({ DBInstanceId: 'postgres-nothere0', SecurityGroupIdSet: [] })), 'ResourceNotFound.InstanceNotFoundError');
  const { SecurityGroup } = await vpc.CreateSecurityGroup({ GroupName: 'x', GroupDescription: '' });
  const sg = SecurityGroup!.SecurityGroupId!;
  assert.equal(await errorCode(vpc.CreateSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [ingress('ALLOW', '10.0.0.0/8')] } })), 'InvalidParameterValue.Range');
  assert.equal(await errorCode(vpc.CreateSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [ingress('ACCEPT', '10.0.0.300/8')] } })), 'InvalidParameterValue.Malformed');
  assert.equal(await errorCode(vpc.CreateSecurityGroupPolicies({ SecurityGroupId: sg, SecurityGroupPolicySet: { Ingress: [ingress('ACCEPT', '10.0.0.0/8', '70000', 'TCP')] } })), 'InvalidParameterValue.Range');
  assert.equal(await errorCode(vpc.DescribeSecurityGroupPolicies({ SecurityGroupId: 'sg-nothere0' })), 'ResourceNotFound');
});
