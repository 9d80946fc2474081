// The official Tencent Cloud Node SDK (v4) pointed at a test service, and helpers around it.
import * as tc from 'tencentcloud-sdk-nodejs';
import pg from 'pg';
import type { TestService } from './service.ts';

/** The admin password the tests create instances with. */
export const PASSWORD = 'Pgcloud#2026pw';

/** The CreateInstances request tests start from: one pay-as-you-go cdb.pg.z1.2g of 10 GB in ap-guangzhou-3. */
export function createRequest<T extends Record<string, unknown>>(overrides: T) {
  return {
    Zone: 'ap-guangzhou-3', SpecCode: 'cdb.pg.z1.2g', Storage: 10, InstanceCount: 1, Period: 1, Charset: 'UTF8',
    AdminName: 'dbadmin', AdminPassword: PASSWORD, InstanceChargeType: 'POSTPAID_BY_HOUR', ...overrides,
  };
}

export type PostgresClient = InstanceType<typeof tc.postgres.v20170312.Client>;

export function postgresClient(svc: { endpoint: string; secretId: string; secretKey: string }, region = 'ap-guangzhou', profile: Record<string, unknown> = {}): PostgresClient {
  const client = new tc.postgres.v20170312.Client({
    credential: { secretId: svc.secretId, secretKey: svc.secretKey },
    region,
    profile: { httpProfile: { endpoint: svc.endpoint, protocol: 'http://', reqTimeout: 60 }, ...profile },
  });
  retryOnRateLimit(client);
  return client;
}

/**
 * Makes a client wait and retry when pgcloud answers RequestLimitExceeded, as the Terraform provider
 * and careful SDK users do: a test that sends bursts of calls (a fast machine sends more than an
 * action's documented limit in a second) is then about its own subject, not about the limit. The
 * limit itself is tested over raw HTTP (gateway-ratelimit.test.ts), never through this.
 */
export function retryOnRateLimit<C extends { request: (...args: any[]) => Promise<any> }>(client: C): C {
  const request = client.request.bind(client);
  client.request = async (...args: any[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(...args);
      } catch (e: any) {
        if (e?.code !== 'RequestLimitExceeded' || attempt >= 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  return client;
}

/** The error code the SDK surfaced for a failed call (undefined when the call succeeded). */
export async function errorCode(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
    return undefined;
  } catch (e: any) {
    if (!e.code) throw e;
    return e.code as string;
  }
}

export async function errorOf(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (e: any) {
    if (!e.code) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('the call succeeded but an error was expected');
}

export async function waitForStatus(client: PostgresClient, id: string, status: string, timeoutMs = 60_000, intervalMs = 50): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    let res;
    try {
      res = await client.DescribeDBInstanceAttribute({ DBInstanceId: id });
    } catch (e: any) {
      // Polling fast can meet the action's rate limit: back off like a real client would.
      if (e.code !== 'RequestLimitExceeded') throw e;
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    last = res.DBInstance!.DBInstanceStatus!;
    if (last === status) return res.DBInstance;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${id} did not reach ${status} (last status ${last})`);
}

/** Connects to an instance's private address as the given account. */
export async function login(instance: any, user: string, password: string, database = 'postgres'): Promise<pg.Client> {
  const net = (instance.DBInstanceNetInfo as any[]).find((n) => n.NetType === 'private');
  const client = new pg.Client({ host: net.Ip, port: net.Port, user, password, database, connectionTimeoutMillis: 10_000 });
  // A session the server ends while idle (read-only at the quota, a restart) emits 'error': without a
  // listener that would crash the test process; queries on it still reject.
  client.on('error', () => {});
  await client.connect();
  return client;
}

export type { TestService };
