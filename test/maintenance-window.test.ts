// Maintenance window through the SDK: the default window, changes of some or all of its fields (read
// back exactly), bad values refused with their codes; ModifySwitchTimePeriod refuses an instance that
// is not waiting for a switch (none ever is: nothing in pgcloud waits for a window yet).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, waitForStatus, type PostgresClient } from './support/sdk.ts';

let svc: TestService;
let client: PostgresClient;
let id: string;

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '15' } });
  client = postgresClient(svc);
  id = (await client.CreateInstances(createRequest({ DBMajorVersion: '15' }))).DBInstanceIdSet![0]!;
  await waitForStatus(client, id, 'running');
});
after(async () => {
  await svc?.cleanup();
});

const window = async () => {
  const w = await client.DescribeMaintainTimeWindow({ DBInstanceId: id });
  return { start: w.MaintainStartTime, duration: w.MaintainDuration, days: w.MaintainWeekDays, id: w.DBInstanceId };
};
const ALL = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

test('maintenance window: default, partial and full changes, bad values refused', async () => {
  assert.deepEqual(await window(), { start: '03:00', duration: 1, days: ALL, id });
  await client.ModifyMaintainTimeWindow({ DBInstanceId: id, MaintainStartTime: '04:30' });
  assert.deepEqual(await window(), { start: '04:30', duration: 1, days: ALL, id });
  // The provider's example order (a set): stored once each, answered in week order.
  await client.ModifyMaintainTimeWindow({ DBInstanceId: id, MaintainStartTime: '23:00', MaintainDuration: 4, MaintainWeekDays: ['sunday', 'friday', 'Monday', 'friday'] });
  assert.deepEqual(await window(), { start: '23:00', duration: 4, days: ['monday', 'friday', 'sunday'], id });

  const bad = (req: Record<string, unknown>) => errorCode(client.ModifyMaintainTimeWindow({ DBInstanceId: id, ...req }));
  assert.equal(await bad({ MaintainStartTime: '24:00' }), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad({ MaintainStartTime: '4:00' }), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad({ MaintainStartTime: '04:00\nlog_statement' }), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad({ MaintainDuration: 0 }), 'InvalidParameterValue.ParameterOutRangeError');
  assert.equal(await bad({ MaintainDuration: 5 }), 'InvalidParameterValue.ParameterOutRangeError');
  assert.equal(await bad({ MaintainWeekDays: [] }), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await bad({ MaintainWeekDays: ['someday'] }), 'InvalidParameterValue.InvalidParameterValueError');
  // A refused request changed nothing, not even its valid fields.
  assert.equal(await bad({ MaintainStartTime: '01:00', MaintainDuration: 9 }), 'InvalidParameterValue.ParameterOutRangeError');
  assert.deepEqual(await window(), { start: '23:00', duration: 4, days: ['monday', 'friday', 'sunday'], id });
  assert.equal(await errorCode(client.DescribeMaintainTimeWindow({ DBInstanceId: 'postgres-nonexist' })), 'ResourceNotFound.InstanceNotFoundError');
});

test('ModifySwitchTimePeriod: only SwitchTag 0, only for an instance waiting for its switch', async () => {
  assert.equal(await errorCode(client.ModifySwitchTimePeriod({ DBInstanceId: id, SwitchTag: 0 })), 'OperationDenied.InstanceStatusLimitOpError');
  assert.equal(await errorCode(client.ModifySwitchTimePeriod({ DBInstanceId: id, SwitchTag: 1 })), 'InvalidParameterValue.InvalidParameterValueError');
  assert.equal(await errorCode(client.ModifySwitchTimePeriod({ DBInstanceId: 'postgres-nonexist', SwitchTag: 0 })), 'ResourceNotFound.InstanceNotFoundError');
});
