// What the Terraform tests of postgres resources share: the instance block with its defaults, and
// the checks after each step (a real login to the address the state reports; a destroyed instance
// gone from the API and from the machine). A new test needs a few lines:
//
//   const ws = await tf.workspace('mine');
//   const state = await ws.applyClean(`${defaultNetwork()}\n${postgresInstance('pg', { charset: 'LATIN1' })}`);
//   const pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
//   await queryAs(pg, 'root', TF_PASSWORD, 'SELECT 1');
//   await ws.destroyClean();
//   await assertInstanceGone(tf.svc, tf.pgc, pg.id);
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

/** An HCL expression written as is (a reference such as `tencentcloud_vpc.vpc.id`), not quoted. */
export class Ref {
  constructor(readonly expression: string) {}
}
export const ref = (expression: string) => new Ref(expression);
export type HclValue = string | number | boolean | Ref | HclValue[] | { [key: string]: string };

/** One HCL value: strings quoted, `ref(…)` as written, lists and maps (tags) spelled out. */
export function hcl(v: HclValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(hcl).join(', ')}]`;
  if (v instanceof Ref) return v.expression;
  return `{\n${Object.entries(v).map(([k, x]) => `    ${k} = ${JSON.stringify(x)}`).join('\n')}\n  }`;
}

/**
 * A tencentcloud_postgresql_instance block: PostgreSQL 16, 2 GB, 10 GB, root password TF_PASSWORD,
 * in ap-guangzhou-3's default network (put defaultNetwork() in the configuration too), each
 * overridden or added to by attrs; body holds nested blocks (db_node_set, backup_plan, lifecycle).
 * An attribute given as undefined is left out.
 */
export function postgresInstance(label: string, attrs: Record<string, HclValue | undefined> = {}, body = ''): string {
  const all: Record<string, HclValue | undefined> = {
    name: `tf-${label}`,
    availability_zone: 'ap-guangzhou-3',
    vpc_id: ref(defaultVpc()),
    subnet_id: ref(defaultSubnet()),
    db_major_version: '16',
    root_password: TF_PASSWORD,
    memory: 2,
    storage: 10,
    ...attrs,
  };
  const lines = Object.entries(all)
    .filter((e): e is [string, HclValue] => e[1] !== undefined)
    .map(([k, v]) => `  ${k} = ${hcl(v)}`);
  return `resource "tencentcloud_postgresql_instance" "${label}" {\n${lines.join('\n')}\n${body ? body.replace(/^\n+|\n+$/g, '') + '\n' : ''}}\n`;
}

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
