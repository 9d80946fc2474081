// NeedSupportIpv6 end to end: an instance in a zone with ZoneSupportIpv6 1 also listens on the host's
// IPv6 loopback address ::1 and says so (SupportIpv6, NetworkAccessList Vip6 + Vport); two of them share
// ::1, so they get different ports there; a zone without IPv6 is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { hasIpv6Loopback } from '../src/core/host.ts';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorOf, waitForStatus, login, type PostgresClient } from './support/sdk.ts';

let svc: TestService;
let pgc: PostgresClient;

const base = createRequest({ DBMajorVersion: '16' });

before(async () => {
  svc = await startService();
  pgc = postgresClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

test('NeedSupportIpv6 is refused in a zone without IPv6', async () => {
  const zones = (await pgc.DescribeZones({})).ZoneSet!;
  assert.equal(zones.find((z) => z.Zone === 'ap-guangzhou-2')!.ZoneSupportIpv6, 0);
  const e = await errorOf(pgc.CreateInstances({ ...base, Zone: 'ap-guangzhou-2', NeedSupportIpv6: 1 }));
  assert.equal(e.code, 'InvalidParameterValue.IllegalZone');
  assert.match(e.message, /IPv6/);
});

test('NeedSupportIpv6: two instances log in over ::1 at the ports they report', { skip: !hasIpv6Loopback() && 'this host has no IPv6 loopback address' }, async () => {
  assert.equal((await pgc.DescribeZones({})).ZoneSet!.find((z) => z.Zone === 'ap-guangzhou-3')!.ZoneSupportIpv6, 1);
  const ids = (await pgc.CreateInstances({ ...base, InstanceCount: 2, NeedSupportIpv6: 1 })).DBInstanceIdSet!;
  const ports = new Set<number>();
  for (const id of ids) {
    const inst = await waitForStatus(pgc, id, 'running');
    assert.equal(inst.SupportIpv6, 1);
    const access = inst.NetworkAccessList[0];
    assert.equal(access.Vip6, '::1');
    const v4 = inst.DBInstanceNetInfo.find((n: any) => n.NetType === 'private');
    assert.equal(access.Vport, v4.Port, 'one port for both addresses');
    ports.add(access.Vport);
    const c6 = new pg.Client({ host: access.Vip6, port: access.Vport, user: 'dbadmin', password: 'Pgcloud#2026pw', database: 'postgres', connectionTimeoutMillis: 10_000 });
    await c6.connect();
    const row = (await c6.query('select inet_client_addr()::text as addr, current_setting($1) as listen', ['listen_addresses'])).rows[0];
    await c6.end();
    assert.equal(row.addr, '::1/128', 'the login came over IPv6');
    assert.match(row.listen, /::1/);
    // The IPv4 address still works.
    const c4 = await login(inst, 'dbadmin', 'Pgcloud#2026pw');
    await c4.end();
  }
  assert.equal(ports.size, 2, '::1 is shared, so the two instances listen on different ports there');
  // Without NeedSupportIpv6 nothing changes.
  const [plain] = (await pgc.CreateInstances({ ...base })).DBInstanceIdSet!;
  const inst = await waitForStatus(pgc, plain!, 'running');
  assert.equal(inst.SupportIpv6, 0);
  assert.equal(inst.NetworkAccessList[0].Vip6, '');
});
