// What the Terraform tests of postgres resources check after each step: a real login to the address
// the state reports, and that a destroyed instance is gone from the API and from the machine.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import pg from 'pg';
import type { TestService } from './service.ts';
import { postmastersUnder } from './service.ts';
import type { PostgresClient } from './sdk.ts';

/** The admin password the Terraform tests give their instances. */
export const TF_PASSWORD = 'Pgcloud#2026pw';

/** The default VPC and subnet of a zone, as the provider's own acceptance tests find them. */
export const defaultNetwork = (zone = 'ap-guangzhou-3', name = 'default') => `
data "tencentcloud_vpc_subnets" "${name}" {
  availability_zone = "${zone}"
  is_default        = true
}
`;
export const defaultVpc = (name = 'default') => `data.tencentcloud_vpc_subnets.${name}.instance_list.0.vpc_id`;
export const defaultSubnet = (name = 'default') => `data.tencentcloud_vpc_subnets.${name}.instance_list.0.subnet_id`;

/** Logs in to private_access_ip:private_access_port of a tencentcloud_postgresql_instance's state. */
export async function loginFromState(values: Record<string, any>, user: string, password: string, database = 'postgres'): Promise<pg.Client> {
  if (!values.private_access_ip || !values.private_access_port) throw new Error(`the state has no address: ${values.private_access_ip}:${values.private_access_port}`);
  const client = new pg.Client({ host: values.private_access_ip, port: values.private_access_port, user, password, database, connectionTimeoutMillis: 10_000 });
  await client.connect();
  return client;
}

/** One query over a fresh login; closes the connection. */
export async function queryAs(values: Record<string, any>, user: string, password: string, sql: string, params: unknown[] = [], database = 'postgres'): Promise<any[]> {
  const c = await loginFromState(values, user, password, database);
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Whether a login is refused (by pg_hba.conf, a wrong password or a locked role); other failures throw. */
export async function loginRefused(values: Record<string, any>, user: string, password: string): Promise<boolean> {
  try {
    const c = await loginFromState(values, user, password);
    await c.end();
    return false;
  } catch (e: any) {
    if (/pg_hba\.conf rejects connection|password authentication failed|not permitted to log in/.test(String(e.message))) return true;
    throw e;
  }
}

/**
 * Polls until fn() gives want (deep-equal): the servers apply pg_hba.conf, roles and settings on their
 * own time after the API answered. Fails with the last value after timeoutMs.
 */
export async function eventually<T>(what: string, fn: () => Promise<T>, want: T, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let got: T | undefined;
  while (Date.now() < deadline) {
    got = await fn();
    if (isDeepStrictEqual(got, want)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(got, want, `${what} did not become ${JSON.stringify(want)} within ${timeoutMs} ms`);
}

/** PostgreSQL servers still running for an instance (its postmasters under the service's data directory). */
export function serversOf(svc: TestService, id: string): number[] {
  return postmastersUnder(svc.dataDir).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${path.sep}${id}${path.sep}`);
    } catch {
      return false;
    }
  });
}

/** After terraform destroy: the API no longer knows the instance and none of its servers runs. */
export async function assertInstanceGone(svc: TestService, pgc: PostgresClient, id: string): Promise<void> {
  try {
    await pgc.DescribeDBInstanceAttribute({ DBInstanceId: id });
    throw new Error(`${id} is still described by the API after terraform destroy`);
  } catch (e: any) {
    if (e.code !== 'ResourceNotFound.InstanceNotFoundError') throw e;
  }
  const listed = await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-instance-id', Values: [id] }] });
  if (listed.TotalCount !== 0) throw new Error(`${id} is still listed by DescribeDBInstances`);
  // The engine stops the servers when it acts on the destruction: wait for that, not for a fixed time.
  const deadline = Date.now() + 60_000;
  while (serversOf(svc, id).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const left = serversOf(svc, id);
  if (left.length) throw new Error(`${id}: servers ${left.join(', ')} still run a minute after terraform destroy`);
}
